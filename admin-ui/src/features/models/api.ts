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

export interface Model {
  id: string;
  name: string;
  targets: Target[];
  pricing: Pricing | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface ModelInput {
  name: string;
  targets: { provider: string; model: string; weight: number | null; priority: number | null }[];
  pricing: Pricing | null;
}

export const listModels = (api: ApiClient, q: Query) => api.get<Page<Model>>('/models', q);
export const createModel = (api: ApiClient, m: ModelInput) => api.post<Model>('/models', m);
export const updateModel = (api: ApiClient, id: string, m: ModelInput & { version: number }) =>
  api.patch<Model>(`/models/${encodeURIComponent(id)}`, m);
export const deleteModel = (api: ApiClient, id: string) => api.del(`/models/${encodeURIComponent(id)}`);
