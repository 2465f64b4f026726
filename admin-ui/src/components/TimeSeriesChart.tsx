import { lazy, Suspense } from 'react';

const LinePlot = lazy(() => import('./LinePlot'));

export interface ChartSeries {
  name: string;
  points: { start: string; value: number | null }[];
}

/** The time range a chart covers, to draw buckets that have no data. */
export interface ChartRange {
  from: string;
  to: string;
  granularity: 'hour' | 'day';
}

interface Props {
  title: string;
  series: ChartSeries[];
  format?: (n: number) => string;
  range?: ChartRange;
  /**
   * What a bucket without data means: 'zero' for counts (no requests is 0 requests), 'gap' for
   * rates (an error rate over no requests is undefined, so the line breaks there).
   */
  missing?: 'zero' | 'gap';
  /** A fixed value axis, e.g. [0, 1] for rates shown 0-100 %. */
  domain?: [number, number];
  loading?: boolean;
}

const STEP_MS = { hour: 3600_000, day: 86_400_000 };

/** Every bucket start in the range, aligned as the API aligns them (UTC hours or days). */
export function bucketStarts(range: ChartRange): number[] {
  const step = STEP_MS[range.granularity];
  const from = Date.parse(range.from);
  const to = Date.parse(range.to);
  if (Number.isNaN(from) || Number.isNaN(to) || to <= from || (to - from) / step > 2000) return [];
  const starts: number[] = [];
  for (let t = Math.floor(from / step) * step; t < to; t += step) starts.push(t);
  return starts;
}

/** A line chart over time; the title labels it for screen readers (tables beside it carry the numbers). */
export function TimeSeriesChart({ title, series, format = String, range, missing = 'zero', domain, loading }: Props) {
  const rows = new Map<number, Record<string, number | string | null>>();
  const hasData = series.some((s) => s.points.some((p) => p.value !== null));
  if (range && hasData) {
    for (const t of bucketStarts(range)) {
      const row: Record<string, number | string | null> = { start: new Date(t).toISOString() };
      for (const s of series) row[s.name] = missing === 'zero' ? 0 : null;
      rows.set(t, row);
    }
  }
  for (const s of series) {
    for (const p of s.points) {
      const t = Date.parse(p.start);
      const row = rows.get(t) ?? { start: p.start };
      row[s.name] = p.value;
      rows.set(t, row);
    }
  }
  const data = [...rows.entries()].sort((a, b) => a[0] - b[0]).map(([, row]) => row);
  return (
    <figure className="chart" aria-label={title} aria-busy={loading ? true : undefined}>
      <figcaption>{title}</figcaption>
      {loading && !hasData ? (
        <p className="chart-state" role="status">
          Loading {title.toLowerCase()}…
        </p>
      ) : !hasData ? (
        <p className="chart-state">No requests in this time range.</p>
      ) : (
        <Suspense
          fallback={
            <p className="chart-state" role="status">
              Drawing chart…
            </p>
          }
        >
          <LinePlot data={data} names={series.map((s) => s.name)} format={format} domain={domain} />
        </Suspense>
      )}
    </figure>
  );
}
