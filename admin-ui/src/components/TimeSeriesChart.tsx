import { lazy, Suspense } from 'react';

const LinePlot = lazy(() => import('./LinePlot'));

export interface ChartSeries {
  name: string;
  points: { start: string; value: number }[];
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
        <Suspense fallback={<p className="help">Loading chart…</p>}>
          <LinePlot data={data} names={series.map((s) => s.name)} format={format} />
        </Suspense>
      )}
    </figure>
  );
}
