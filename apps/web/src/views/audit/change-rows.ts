import type { AuditChanges } from '@rp/contract/audit';

/** One line of the table: `key` names a variable of a keyed field. */
export interface ChangeRow {
  field: string;
  key?: string;
  from: unknown;
  to: unknown;
  secret: boolean;
  truncated: boolean;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The changes of an entry's details, if it has them in the shape above; older entries have none. */
export function changesOf(details: unknown): AuditChanges | null {
  if (!isObject(details) || !isObject(details.changes)) return null;
  const changes = details.changes;
  return Object.values(changes).every((c) => isObject(c) && (('from' in c && 'to' in c) || isObject(c.keys))) ? (changes as AuditChanges) : null;
}

export function changeRows(changes: AuditChanges): ChangeRow[] {
  return Object.entries(changes).flatMap(([field, change]): ChangeRow[] =>
    'keys' in change
      ? Object.entries(change.keys).map(([key, c]) => ({ field, key, from: c.from, to: c.to, secret: c.secret === true, truncated: false }))
      : [{ field, from: change.from, to: change.to, secret: change.secret === true, truncated: change.truncated === true }],
  );
}

export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Lines of `before` and `after` as a unified diff (longest common subsequence); texts are at most 4 KB a side, '' has no lines. */
export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before ? before.split('\n') : [];
  const b = after ? after.split('\n') : [];
  const common: number[][] = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      common[i]![j] = a[i] === b[j] ? common[i + 1]![j + 1]! + 1 : Math.max(common[i + 1]![j]!, common[i]![j + 1]!);
    }
  }
  const lines: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      lines.push({ kind: 'same', text: a[i++]! });
      j++;
    } else if (i < a.length && (j === b.length || common[i + 1]![j]! >= common[i]![j + 1]!)) lines.push({ kind: 'removed', text: a[i++]! });
    else lines.push({ kind: 'added', text: b[j++]! });
  }
  return lines;
}
