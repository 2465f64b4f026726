import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

export function tick(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(5, 10)} ${d.toISOString().slice(11, 16)}`;
}

interface Props {
  data: Record<string, number | string | null>[];
  names: string[];
  format: (n: number) => string;
  domain?: [number, number];
}

/** Ticks for a fixed domain: five, evenly spaced (0, 25, 50, 75, 100 % for a rate). */
function fixedTicks([lo, hi]: [number, number]): number[] {
  return [0, 1, 2, 3, 4].map((i) => lo + ((hi - lo) * i) / 4);
}

/** The recharts part of TimeSeriesChart, loaded on demand to keep the first page small. */
export default function LinePlot({ data, names, format, domain }: Props) {
  // A point with no neighbour draws no line segment: show dots when the series is sparse.
  const sparse = names.some((n) => {
    const values = data.map((row) => row[n]);
    return values.some((v, i) => v !== null && v !== undefined && (values[i - 1] ?? null) === null && (values[i + 1] ?? null) === null);
  });
  return (
    <ResponsiveContainer width="100%" height={220} initialDimension={{ width: 480, height: 220 }}>
      <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
        <CartesianGrid strokeDasharray="3 3" />
        <XAxis dataKey="start" tickFormatter={tick} minTickGap={24} />
        <YAxis
          tickFormatter={(v: number) => format(v)}
          width={80}
          domain={domain ?? [0, 'auto']}
          ticks={domain ? fixedTicks(domain) : undefined}
          allowDataOverflow={domain !== undefined}
        />
        <Tooltip labelFormatter={(l) => tick(String(l))} formatter={(v) => (v === null ? '—' : format(Number(v)))} />
        {names.length > 1 && <Legend />}
        {names.map((n, i) => (
          <Line
            key={n}
            type="linear"
            dataKey={n}
            stroke={COLORS[i % COLORS.length]}
            dot={sparse ? { r: 3 } : false}
            connectNulls={false}
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
}
