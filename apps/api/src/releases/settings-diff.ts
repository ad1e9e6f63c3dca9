import type { SettingChange, SettingsChanges } from '@rp/contract/releases';
import type { DbTx } from '../shared/db.js';
import { NotFound } from '../shared/errors.js';
import { loadSettingsSnapshot, type SettingsSnapshot, type SnapshotVariable } from './settings-snapshot.js';

export const SECRET_SHOWN = '(secret)';
/** Hook scripts run to kilobytes; the change list only has to let a person recognise them. */
const MAX_SHOWN = 500;

/** JSON with sorted keys, so two equal objects read the same whatever order their keys were stored in. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

function shown(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  const text = typeof value === 'string' ? value : canonical(value);
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text;
}

const variableShown = (v: SnapshotVariable | undefined) => (v === undefined ? null : v.secret ? SECRET_SHOWN : v.value);

/** A secret variable's value is not known, so one changes only by appearing, disappearing or ceasing to be secret. */
function variableChanged(before: SnapshotVariable | undefined, after: SnapshotVariable | undefined): boolean {
  if (!before || !after) return before !== after;
  if (before.secret || after.secret) return before.secret !== after.secret;
  return before.value !== after.value;
}

function fieldChanges(section: 'project' | 'environment', before: Record<string, unknown>, after: Record<string, unknown>): SettingChange[] {
  return Object.keys(after)
    .filter((key) => key !== 'variables' && canonical(before[key] ?? null) !== canonical(after[key] ?? null))
    .map((key) => ({ field: `${section}.${key}`, before: shown(before[key]), after: shown(after[key]) }));
}

/** What differs between the settings a release was planned with and the current ones, field by field. */
export function diffSettings(before: SettingsSnapshot, after: SettingsSnapshot): SettingChange[] {
  const variablesBefore = new Map(before.environment.variables.map((v) => [v.key, v]));
  const variablesAfter = new Map(after.environment.variables.map((v) => [v.key, v]));
  const keys = [...new Set([...variablesBefore.keys(), ...variablesAfter.keys()])].sort();
  return [
    ...fieldChanges('project', before.project, after.project),
    ...fieldChanges('environment', before.environment, after.environment),
    ...keys
      .filter((key) => variableChanged(variablesBefore.get(key), variablesAfter.get(key)))
      .map((key) => ({ field: `environment.variables.${key}`, before: variableShown(variablesBefore.get(key)), after: variableShown(variablesAfter.get(key)) })),
  ];
}

/** `GET /api/releases/:id/settings-changes`: a release created before settings were recorded has nothing to compare. */
export async function releaseSettingsChanges(db: DbTx, { id }: { id: string }): Promise<SettingsChanges> {
  const release = await db.release.findUnique({ where: { id }, select: { projectId: true, environmentId: true, settings: true, createdAt: true } });
  if (!release) throw new NotFound('Release');
  if (release.settings === null) return { changed: false, recordedAt: null, changes: [] };
  const changes = diffSettings(release.settings as unknown as SettingsSnapshot, await loadSettingsSnapshot(db, release));
  return { changed: changes.length > 0, recordedAt: release.createdAt.toISOString(), changes };
}
