import type { ApiClient, Page, Query } from '../../api/client';

export interface Team {
  id: string;
  name: string;
  key_count: number;
  version: number;
  created_at: string;
  updated_at: string;
}

export type KeyStatus = 'active' | 'revoked' | 'expired';

export interface ApiKey {
  id: string;
  name: string;
  team: string;
  team_id: string;
  prefix: string;
  allowed_models: string[];
  expires_at: string | null;
  revoked_at: string | null;
  status: KeyStatus;
  version: number;
  created_at: string;
  updated_at: string;
}

/** The create response: the only time the secret is ever shown. */
export type CreatedKey = ApiKey & { key: string };

export interface KeyInput {
  name: string;
  team: string;
  allowed_models: string[];
  expires_at: string | null;
}

export const listTeams = (api: ApiClient, q: Query) => api.get<Page<Team>>('/teams', q);
export const createTeam = (api: ApiClient, name: string) => api.post<Team>('/teams', { name });
export const deleteTeam = (api: ApiClient, id: string) => api.del(`/teams/${encodeURIComponent(id)}`);

export const listKeys = (api: ApiClient, q: Query) => api.get<Page<ApiKey>>('/keys', q);
export const createKey = (api: ApiClient, k: KeyInput) => api.post<CreatedKey>('/keys', k);
export const updateKey = (api: ApiClient, id: string, k: Omit<KeyInput, 'team'> & { version: number }) =>
  api.patch<ApiKey>(`/keys/${encodeURIComponent(id)}`, k);
export const revokeKey = (api: ApiClient, id: string) => api.post<ApiKey>(`/keys/${encodeURIComponent(id)}/revoke`);
