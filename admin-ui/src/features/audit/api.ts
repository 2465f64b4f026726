import type { ApiClient, Page, Query } from '../../api/client';

export interface AuditEntry {
  id: string;
  at: string;
  actor: string;
  action: string;
  resource_type: string;
  resource_id: string;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

export const listAudit = (api: ApiClient, q: Query) => api.get<Page<AuditEntry>>('/audit', q);
