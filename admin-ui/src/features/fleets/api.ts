import type { ApiClient, Page } from '../../api/client';

export interface Nack {
  type: string;
  version: string;
  error: string;
  at: string;
}

export interface FleetNode {
  node_id: string;
  replica_id: string;
  connected: boolean;
  connected_at: string | null;
  last_seen_at: string | null;
  acked_versions: Record<string, string>;
  last_nack: Nack | null;
}

export interface Fleet {
  id: string;
  name: string;
  listener_port: number;
  version: number;
  created_at: string;
  updated_at: string;
  nodes: FleetNode[];
}

export type FleetList = Page<Fleet> & { unassigned_nodes?: FleetNode[] };

export const listFleets = (api: ApiClient) => api.get<FleetList>('/fleets', { limit: 500 });
export const getBootstrap = (api: ApiClient, name: string) => api.getText(`/fleets/${encodeURIComponent(name)}/bootstrap`);

/** `type.googleapis.com/envoy.config.cluster.v3.Cluster` → `Cluster`. */
export function shortType(typeUrl: string): string {
  const last = typeUrl.split('.').pop() ?? typeUrl;
  return last || typeUrl;
}
