import type { Prisma } from '../generated/prisma/client.js';
import type { RequestContext } from '../plugins/app/auth/actor.js';
import type { DbTx } from '../shared/db.js';
import { pageArgs } from '../shared/pagination.js';
import { resourceNames } from './resource-names.js';

export interface AuditEntry {
  action: string;
  resourceType: string;
  resourceId?: string | null;
  success?: boolean;
  details?: Prisma.InputJsonValue;
}

export async function recordAudit(db: DbTx, ctx: RequestContext, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      actorId: ctx.actorId,
      actorName: ctx.actorName,
      ip: ctx.ip,
      userAgent: ctx.userAgent,
      action: entry.action,
      resourceType: entry.resourceType,
      resourceId: entry.resourceId ?? null,
      success: entry.success ?? true,
      details: entry.details ?? {},
    },
  });
}

export interface AuditFilter {
  page: number;
  pageSize: number;
  actor?: string;
  action?: string;
  resourceType?: string;
  resourceId?: string;
  success?: boolean;
  from?: string;
  to?: string;
}

export async function listAudit({ db }: { db: DbTx }, filter: AuditFilter) {
  const where: Prisma.AuditLogWhereInput = {
    actorName: filter.actor,
    action: filter.action ? { startsWith: filter.action } : undefined,
    resourceType: filter.resourceType,
    resourceId: filter.resourceId,
    success: filter.success,
    at: filter.from || filter.to ? { gte: filter.from ? new Date(filter.from) : undefined, lte: filter.to ? new Date(filter.to) : undefined } : undefined,
  };
  const [rows, total] = await Promise.all([
    db.auditLog.findMany({ where, orderBy: { id: 'desc' }, ...pageArgs(filter.page, filter.pageSize) }),
    db.auditLog.count({ where }),
  ]);
  const names = await resourceNames(db, rows);
  return {
    items: rows.map((row) => ({ ...row, id: row.id.toString(), at: row.at.toISOString(), resourceName: names.get(`${row.resourceType}/${row.resourceId}`) ?? null })),
    total,
    page: filter.page,
    pageSize: filter.pageSize,
  };
}
