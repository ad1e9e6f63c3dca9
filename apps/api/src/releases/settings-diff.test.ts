import { describe, expect, it } from 'vitest';
import { diffSettings } from './settings-diff.js';
import type { SettingsSnapshot, SnapshotVariable } from './settings-snapshot.js';

function snapshot(project: Partial<SettingsSnapshot['project']> = {}, variables: SnapshotVariable[] = [], environment: Partial<Omit<SettingsSnapshot['environment'], 'variables'>> = {}): SettingsSnapshot {
  return {
    project: {
      buildCommand: 'npm ci',
      artifactPaths: ['dist'],
      packageCompression: 'gzip',
      sharedDirs: [],
      sharedFiles: [],
      keepReleases: 5,
      restartCommand: 'systemctl restart app',
      healthCheck: { type: 'http', url: 'http://localhost/health', retries: 3 },
      hooks: {},
      service: {},
      buildAgentId: null,
      ...project,
    },
    environment: { deployPath: '/srv/app', offlineScript: '', onlineScript: '', drainSeconds: 0, variables, ...environment },
  };
}

describe('diffSettings', () => {
  it('finds nothing when the settings are the same, whatever order object keys were stored in', () => {
    const reordered = snapshot({ healthCheck: { retries: 3, url: 'http://localhost/health', type: 'http' } });
    expect(diffSettings(snapshot(), reordered)).toEqual([]);
  });

  it('names each changed field with what it was and what it is now', () => {
    const changes = diffSettings(snapshot(), snapshot({ restartCommand: 'pm2 reload app', healthCheck: null }, [], { deployPath: '/srv/new' }));
    expect(changes).toEqual([
      { field: 'project.restartCommand', before: 'systemctl restart app', after: 'pm2 reload app' },
      { field: 'project.healthCheck', before: '{"retries":3,"type":"http","url":"http://localhost/health"}', after: null },
      { field: 'environment.deployPath', before: '/srv/app', after: '/srv/new' },
    ]);
  });

  it('shows plain variables by value and secret ones only as (secret)', () => {
    const before = snapshot({}, [
      { key: 'MODE', secret: false, value: 'blue' },
      { key: 'TOKEN', secret: true },
      { key: 'OLD', secret: false, value: 'x' },
    ]);
    const after = snapshot({}, [
      { key: 'MODE', secret: false, value: 'green' },
      { key: 'TOKEN', secret: true },
      { key: 'API_KEY', secret: true },
    ]);
    expect(diffSettings(before, after)).toEqual([
      { field: 'environment.variables.API_KEY', before: null, after: '(secret)' },
      { field: 'environment.variables.MODE', before: 'blue', after: 'green' },
      { field: 'environment.variables.OLD', before: 'x', after: null },
    ]);
  });

  it('notices a variable that became secret', () => {
    const changes = diffSettings(snapshot({}, [{ key: 'DB_URL', secret: false, value: 'postgres://db' }]), snapshot({}, [{ key: 'DB_URL', secret: true }]));
    expect(changes).toEqual([{ field: 'environment.variables.DB_URL', before: 'postgres://db', after: '(secret)' }]);
  });

  it('shortens long values for display', () => {
    const [change] = diffSettings(snapshot(), snapshot({ buildCommand: 'x'.repeat(2_000) }));
    expect(change?.after).toBe(`${'x'.repeat(500)}…`);
  });
});
