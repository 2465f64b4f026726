import type { ApiClient, Page, Query } from '../../api/client';

export type GroupBy = 'key' | 'team' | 'model' | 'provider';
export type Granularity = 'hour' | 'day';

export interface UsageCounts {
  requests: number;
  errors: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_usd: number;
}

export type UsagePoint = UsageCounts & { start: string };

export interface UsageSeries {
  group: string;
  group_id: string | null;
  points: UsagePoint[];
}

export interface UsageReport {
  group_by: GroupBy;
  granularity: Granularity;
  from: string;
  to: string;
  series: UsageSeries[];
  totals: UsageCounts;
}

export interface UsageRequest {
  time: string;
  request_id: string;
  key_id: string;
  key_name: string;
  team: string;
  model: string;
  provider: string;
  upstream_model: string;
  input_tokens: number;
  output_tokens: number;
  cached_tokens: number;
  cost_usd: number;
  status: number;
  latency_ms: number;
  streamed: boolean;
}

export const getUsage = (api: ApiClient, q: Query) => api.get<UsageReport>('/usage', q);
export const listUsageRequests = (api: ApiClient, q: Query) => api.get<Page<UsageRequest>>('/usage/requests', q);

export const COUNT_KEYS: (keyof UsageCounts)[] = ['requests', 'errors', 'input_tokens', 'output_tokens', 'total_tokens', 'cost_usd'];

export function sumSeries(s: UsageSeries): UsageCounts {
  const t: UsageCounts = { requests: 0, errors: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, cost_usd: 0 };
  for (const p of s.points) for (const k of COUNT_KEYS) t[k] += p[k];
  return t;
}

function csvCell(v: string | number): string {
  const s = String(v);
  // Quote cells with separators or quotes, and defuse spreadsheet formulas in group names.
  const safe = /^[=+\-@]/.test(s) && typeof v === 'string' ? `'${s}` : s;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The report as CSV: one row per group and time bucket. */
export function usageToCsv(report: UsageReport): string {
  const header = [report.group_by, 'start', ...COUNT_KEYS];
  const rows = report.series.flatMap((s) => s.points.map((p) => [s.group, p.start, ...COUNT_KEYS.map((k) => p[k])]));
  return [header, ...rows].map((r) => r.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** All points of a report summed per time bucket (for fleet-wide charts). */
export function bucketTotals(report: UsageReport): UsagePoint[] {
  const by = new Map<string, UsagePoint>();
  for (const s of report.series) {
    for (const p of s.points) {
      const cur = by.get(p.start) ?? { start: p.start, requests: 0, errors: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, cost_usd: 0 };
      for (const k of COUNT_KEYS) cur[k] += p[k];
      by.set(p.start, cur);
    }
  }
  return [...by.values()].sort((a, b) => a.start.localeCompare(b.start));
}
