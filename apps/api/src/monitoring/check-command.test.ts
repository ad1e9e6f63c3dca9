import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkCommand, healthProbeOf, type CheckSpec } from './check-command.js';
import { parseCheckOutput } from './check-result.js';

/** Runs the check script with the local `sh`, as sshd would run it on a host, and parses what it printed. */
function check(spec: CheckSpec) {
  return parseCheckOutput(execFileSync('sh', ['-c', checkCommand(spec)], { encoding: 'utf8' }), spec);
}

describe('the check script and its parser, run by a real shell', () => {
  let root: string;
  const deploy = (released: boolean) => {
    root = mkdtempSync(path.join(tmpdir(), "rp-monitor-it's $(x) "));
    if (released) {
      mkdirSync(path.join(root, 'releases/r-42'), { recursive: true });
      symlinkSync('releases/r-42', path.join(root, 'current'));
    }
    return root;
  };
  const spec = (over: Partial<CheckSpec>): CheckSpec => ({ deployPath: root, statusScript: null, health: null, env: {}, project: 'p-1', ...over });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('passes with no manager and no health check, reading the release and the free space', () => {
    deploy(true);
    const result = check(spec({}));
    expect(result).toMatchObject({ outcome: 'ok', process: 'no manager', healthy: null, version: 'r-42', detail: null });
    expect(result.diskFreeBytes).toBeGreaterThan(0n);
  });

  it('runs the health command in current with the release variables and the environment\'s, quoted', () => {
    deploy(true);
    writeFileSync(path.join(root, 'releases/r-42/ok'), '');
    const command = 'test -f ok && test "$RELEASE_ID" = r-42 && test "$RELEASE_PATH" = "$DEPLOY_PATH/releases/r-42" && test "$GREETING" = "it\'s \\$(not run)" && test "$PROJECT" = p-1';
    const health = { command, timeoutSeconds: 5 };
    expect(check(spec({ health, env: { GREETING: "it's $(not run)" } }))).toMatchObject({ outcome: 'ok', healthy: true });
    expect(check(spec({ health: { command: 'echo not ready >&2; exit 3', timeoutSeconds: 5 } }))).toMatchObject({
      outcome: 'failed',
      healthy: false,
      detail: 'health check failed (exit 3): not ready',
    });
  });

  it('stops a hanging health command at its timeout', () => {
    deploy(true);
    const result = check(spec({ health: { command: 'sleep 30', timeoutSeconds: 1 } }));
    expect(result).toMatchObject({ outcome: 'failed', detail: 'health check failed (timed out after 1 s)' });
  });

  it('fails a URL that does not answer, with curl\'s or wget\'s reason', () => {
    deploy(true);
    const result = check(spec({ health: { url: 'http://127.0.0.1:1/{{HEALTH_PATH}}', timeoutSeconds: 2 }, env: { HEALTH_PATH: 'health' } }));
    expect(result.outcome).toBe('failed');
    expect(result.detail).toMatch(/^health check failed \(exit \d+\)/);
  });

  it('fails the process unless its manager says RUNNING, and reads its pid', () => {
    deploy(true);
    expect(check(spec({ statusScript: 'echo starting; echo STATE RUNNING pid 42' }))).toMatchObject({ outcome: 'ok', process: 'RUNNING pid 42' });
    expect(check(spec({ statusScript: 'echo STATE STOPPED FATAL' }))).toMatchObject({ outcome: 'failed', process: 'STOPPED FATAL', detail: 'process STOPPED FATAL' });
    expect(check(spec({ statusScript: "echo 'STATE UNKNOWN supervisorctl: not found'; exit 1" }))).toMatchObject({ outcome: 'failed', detail: 'process UNKNOWN supervisorctl: not found' });
    expect(check(spec({ statusScript: 'echo permission denied' }))).toMatchObject({ outcome: 'failed', process: null, detail: 'the service manager reported no state: permission denied' });
  });

  it('leaves a host with nothing released unknown rather than failed', () => {
    deploy(false);
    expect(check(spec({ health: { command: 'true', timeoutSeconds: 5 } }))).toMatchObject({ outcome: 'empty', version: null, detail: 'nothing released here yet' });
  });
});

describe('the project health check as a monitoring probe', () => {
  it('takes one short attempt of an http or command check, and nothing else', () => {
    expect(healthProbeOf({ type: 'http', url: 'http://x/health', timeoutSeconds: 60, retries: 5 })).toEqual({ url: 'http://x/health', timeoutSeconds: 10 });
    expect(healthProbeOf({ type: 'command', command: 'curl -f x' })).toEqual({ command: 'curl -f x', timeoutSeconds: 5 });
    expect(healthProbeOf({ type: 'command', command: '  ' })).toBeNull();
    expect(healthProbeOf(null)).toBeNull();
  });
});
