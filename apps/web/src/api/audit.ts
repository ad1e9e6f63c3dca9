import type { AuditEntryView, AuditQuery } from '@rp/contract/audit';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type AuditEntry = AuditEntryView;

export function listAudit(params: ListQuery<AuditQuery> = {}): Promise<Page<AuditEntry>> {
  return http.get(`/audit${query({ ...params })}`);
}
