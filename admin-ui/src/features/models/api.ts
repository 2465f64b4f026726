import type { ApiClient, Page, Query } from '../../api/client';

export interface Target {
  provider: string;
  model: string;
  weight: number;
  priority: number;
}

export interface Pricing {
  input_per_million: number | null;
  output_per_million: number | null;
  cached_input_per_million: number | null;
}

/** When a request moves on to the next target; see docs/admin-api.md. */
export interface Failover {
  retry_on: string[];
  attempts: number;
  per_attempt_timeout_ms: number;
  backoff_base_ms: number;
  backoff_max_ms: number;
}

export interface Model {
  id: string;
  name: string;
  targets: Target[];
  pricing: Pricing | null;
  failover?: Failover;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ModelInput {
  name: string;
  targets: { provider: string; model: string; weight: number | null; priority: number | null }[];
  pricing: Pricing | null;
  failover?: { retry_on: string[] } & { [K in Exclude<keyof Failover, 'retry_on'>]: number | null };
}

export const listModels = (api: ApiClient, q: Query) => api.get<Page<Model>>('/models', q);
export const createModel = (api: ApiClient, m: ModelInput) => api.post<Model>('/models', m);
export const updateModel = (api: ApiClient, id: string, m: ModelInput & { version: number }) =>
  api.patch<Model>(`/models/${encodeURIComponent(id)}`, m);
export const deleteModel = (api: ApiClient, id: string) => api.del(`/models/${encodeURIComponent(id)}`);
