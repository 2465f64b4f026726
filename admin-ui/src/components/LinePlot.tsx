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

/** Round ticks from 0 to at least `max`: steps of 1, 2 or 5 times a power of ten (about four). */
export function niceTicks(max: number): number[] {
  if (!(max > 0)) return [0, 1];
  const rough = max / 4;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  // Rounded to the step's precision, so 3 * 0.00002 is 0.00006, not 0.000060000000000000005.
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  for (let i = 0; ticks.length === 0 || ticks[ticks.length - 1] < max; i++) ticks.push(Number((i * step).toFixed(digits)));
  return ticks;
}

/** The recharts part of TimeSeriesChart, loaded on demand to keep the first page small. */
export default function LinePlot({ data, names, format, domain }: Props) {
  const max = Math.max(0, ...data.flatMap((row) => names.map((n) => Number(row[n] ?? 0))));
  const ticks = domain ? fixedTicks(domain) : niceTicks(max);
  // Wide enough for the longest label ("$0.000025" must not lose its "$").
  const width = Math.max(48, 12 + 7.5 * Math.max(...ticks.map((t) => format(t).length)));
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
          width={width}
          domain={domain ?? [0, ticks[ticks.length - 1]]}
          ticks={ticks}
          interval={0}
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
