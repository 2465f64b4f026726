import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';

export interface ChartSeries {
  name: string;
  points: { start: string; value: number }[];
}

const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4b5563', '#ca8a04'];

function tick(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(5, 10)} ${d.toISOString().slice(11, 16)}`;
}

/** A line chart over time; the title labels it for screen readers (tables beside it carry the numbers). */
export function TimeSeriesChart({ title, series, format = String }: { title: string; series: ChartSeries[]; format?: (n: number) => string }) {
  const rows = new Map<string, Record<string, number | string>>();
  for (const s of series) {
    for (const p of s.points) {
      const row = rows.get(p.start) ?? { start: p.start };
      row[s.name] = p.value;
      rows.set(p.start, row);
    }
  }
  const data = [...rows.values()].sort((a, b) => String(a.start).localeCompare(String(b.start)));
  return (
    <figure className="chart" aria-label={title}>
      <figcaption>{title}</figcaption>
      {data.length === 0 ? (
        <p className="help">No data in this time range.</p>
      ) : (
        <ResponsiveContainer width="100%" height={220} initialDimension={{ width: 480, height: 220 }}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="start" tickFormatter={tick} minTickGap={24} />
            <YAxis tickFormatter={(v: number) => format(v)} width={72} />
            <Tooltip labelFormatter={(l) => tick(String(l))} formatter={(v) => format(Number(v))} />
            {series.length > 1 && <Legend />}
            {series.map((s, i) => (
              <Line key={s.name} type="monotone" dataKey={s.name} stroke={COLORS[i % COLORS.length]} dot={false} isAnimationActive={false} />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
