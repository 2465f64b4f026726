import type { ApiClient, Page, Query } from '../../api/client';

export type Scope = 'key' | 'team' | 'provider' | 'global';
export type Metric = 'input_tokens' | 'output_tokens' | 'total_tokens' | 'cost_usd';
export type Window = 'minute' | 'hour' | 'day' | 'month';

export interface QuotaUsage {
  window_start: string;
  resets_at: string;
  used: number;
  remaining: number;
}

export interface Quota {
  id: string;
  scope: Scope;
  scope_id: string | null;
  model: string | null;
  metric: Metric;
  window: Window;
  limit: number;
  version: number;
  created_at: string;
  updated_at: string;
  /** Null until the usage-limiting feature is in. */
  usage: QuotaUsage | null;
}

export interface QuotaInput {
  scope: Scope;
  scope_id: string | null;
  model: string | null;
  metric: Metric;
  window: Window;
  limit: number | null;
}

export const SCOPES: Scope[] = ['key', 'team', 'provider', 'global'];
export const METRICS: Metric[] = ['total_tokens', 'input_tokens', 'output_tokens', 'cost_usd'];
export const WINDOWS: Window[] = ['minute', 'hour', 'day', 'month'];

export const listQuotas = (api: ApiClient, q: Query) => api.get<Page<Quota>>('/quotas', q);
export const createQuota = (api: ApiClient, q: QuotaInput) => api.post<Quota>('/quotas', q);
export const updateQuota = (api: ApiClient, id: string, q: Partial<QuotaInput> & { version: number }) =>
  api.patch<Quota>(`/quotas/${encodeURIComponent(id)}`, q);
export const deleteQuota = (api: ApiClient, id: string) => api.del(`/quotas/${encodeURIComponent(id)}`);
