import { isDeepStrictEqual } from 'node:util';
import type { Prisma } from '../generated/prisma/client.js';

/** A value as the audit log shows it instead of a secret, old or new. */
export const HIDDEN = '***';

/** Scripts can be 64 KB; each side keeps its start, enough to review a hook's change. */
export const TEXT_CAP = 4096;

/** Which fields of a row an update's audit entry compares, and how each is shown. */
export interface FieldPolicy {
  /** Shown as they are; strings longer than TEXT_CAP are cut and marked. */
  plain: readonly string[];
  /** Shown only as changed (HIDDEN on either side), never a value, ciphertext included. */
  secret?: readonly string[];
  /** Lists of `{ key, value, secret }` (environment variables), compared key by key. */
  keyed?: readonly string[];
}

export interface KeyedEntry {
  key: string;
  value: string;
  secret: boolean;
}

type Json = Prisma.InputJsonValue | null;

/** From/to of one changed field; `null` for a side that had no value. */
export type ValueChange = {
  from: Json;
  to: Json;
  secret?: true;
  truncated?: true;
};

/** Keys added (`from` null), removed (`to` null) or changed; a secret key's values are HIDDEN. */
export type KeyedChange = {
  keys: Record<string, { from: string | null; to: string | null; secret?: true }>;
};

export type AuditChanges = Record<string, ValueChange | KeyedChange>;

/** Dates and big integers as the JSON column can hold them. */
function jsonOf(value: unknown): Json {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'bigint') return value.toString();
  return value as Prisma.InputJsonValue;
}

function capped(value: Json): { value: Json; truncated: boolean } {
  return typeof value === 'string' && value.length > TEXT_CAP ? { value: value.slice(0, TEXT_CAP), truncated: true } : { value, truncated: false };
}

function plainChange(from: Json, to: Json): ValueChange {
  const a = capped(from);
  const b = capped(to);
  return { from: a.value, to: b.value, ...(a.truncated || b.truncated ? { truncated: true as const } : {}) };
}

const hidden = (value: unknown) => (value === undefined || value === null ? null : HIDDEN);

function keyedChange(from: readonly KeyedEntry[], to: readonly KeyedEntry[]): KeyedChange | undefined {
  const before = new Map(from.map((entry) => [entry.key, entry]));
  const after = new Map(to.map((entry) => [entry.key, entry]));
  const keys: KeyedChange['keys'] = {};
  for (const key of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(key);
    const b = after.get(key);
    if (a && b && a.value === b.value && a.secret === b.secret) continue;
    // A variable that is or was secret hides both sides: its old plain value may well be the new secret.
    if (a?.secret || b?.secret) keys[key] = { from: a ? HIDDEN : null, to: b ? HIDDEN : null, secret: true };
    else keys[key] = { from: a?.value ?? null, to: b?.value ?? null };
  }
  return Object.keys(keys).length ? { keys } : undefined;
}

const entriesOf = (value: unknown): KeyedEntry[] => (Array.isArray(value) ? (value as KeyedEntry[]) : []);

/**
 * The fields the policy names whose value differs between the row before an update and after it, deep-equal for
 * JSON. Fields the policy does not name are never looked at, so a new column cannot leak into the log unnoticed.
 */
export function auditChanges(before: Record<string, unknown>, after: Record<string, unknown>, policy: FieldPolicy): AuditChanges {
  const changes: AuditChanges = {};
  for (const field of policy.plain) {
    const from = jsonOf(before[field]);
    const to = jsonOf(after[field]);
    if (!isDeepStrictEqual(from, to)) changes[field] = plainChange(from, to);
  }
  for (const field of policy.secret ?? []) {
    if (!isDeepStrictEqual(before[field] ?? null, after[field] ?? null)) changes[field] = { from: hidden(before[field]), to: hidden(after[field]), secret: true };
  }
  for (const field of policy.keyed ?? []) {
    const change = keyedChange(entriesOf(before[field]), entriesOf(after[field]));
    if (change) changes[field] = change;
  }
  return changes;
}

/** A JSON object of named scripts (a project's hooks) as one field per name, `hooks.before_deploy`, for the policy. */
export function flattened(prefix: string, value: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([name, text]) => [`${prefix}.${name}`, text]));
}
