import { Type, type Static } from 'typebox';
import { Page, PageQuery, Str } from './common.js';

export const AuditQuery = Type.Object(
  {
    ...PageQuery,
    actor: Type.Optional(Str(64)),
    action: Type.Optional(Str(64)),
    resourceType: Type.Optional(Str(32)),
    resourceId: Type.Optional(Str(64)),
    success: Type.Optional(Type.Boolean()),
    from: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
    to: Type.Optional(Type.String({ format: 'date-time', maxLength: 40 })),
  },
  { additionalProperties: false },
);

export const AuditEntryView = Type.Object({
  id: Type.String(),
  at: Type.String({ format: 'date-time' }),
  actorId: Type.Union([Type.String(), Type.Null()]),
  actorName: Type.String(),
  action: Type.String(),
  resourceType: Type.String(),
  resourceId: Type.Union([Type.String(), Type.Null()]),
  resourceName: Type.Union([Type.String(), Type.Null()], { description: 'what the resource is called now (project / environment #n for a release); null once deleted' }),
  ip: Type.Union([Type.String(), Type.Null()]),
  userAgent: Type.Union([Type.String(), Type.Null()]),
  success: Type.Boolean(),
  details: Type.Unknown({ description: 'what the action recorded; for `*.update` actions `{ name, changes }`, see AuditChanges' }),
});

export const AuditPage = Page(AuditEntryView);

export type AuditQuery = Static<typeof AuditQuery>;
export type AuditEntryView = Static<typeof AuditEntryView>;
export type AuditPage = Static<typeof AuditPage>;

/**
 * `details.changes` of an update's audit entry (apps/api/src/audit/changes.ts): per field the value before and after
 * (null where there was none), or for keyed lists (environment variables) per key. Secrets carry `secret: true` and
 * never a value; text longer than 4 KB keeps its start and `truncated: true`.
 */
export type AuditValueChange = { from: unknown; to: unknown; secret?: boolean; truncated?: boolean };
export type AuditKeyedChange = { keys: Record<string, { from: string | null; to: string | null; secret?: boolean }> };
export type AuditChanges = Record<string, AuditValueChange | AuditKeyedChange>;
