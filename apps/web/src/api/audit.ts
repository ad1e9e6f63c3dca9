import { http, query } from './http';
import type { Page, PageQuery } from './types';

export interface AuditEntry {
  id: string;
  at: string;
  actorId: string | null;
  actorName: string;
  action: string;
  resourceType: string;
  resourceId: string | null;
  ip: string | null;
  userAgent: string | null;
  success: boolean;
  details: unknown;
}

export interface AuditQuery extends PageQuery {
  /** Exact username of the actor. */
  actor?: string;
  /** Matches actions starting with this text, so `group.` finds every group action. */
  action?: string;
  resourceType?: string;
  resourceId?: string;
  success?: boolean;
  /** ISO date-times, both inclusive. */
  from?: string;
  to?: string;
}

export function listAudit(params: AuditQuery = {}): Promise<Page<AuditEntry>> {
  return http.get(`/audit${query({ ...params })}`);
}
