import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentToId } from '../run/current.js';
import { cleanupCommand, lockAcquireCommand, lockTakeoverCommand, parseKeyValues, switchCommand } from './commands.js';

// These commands are run by a local sh against a temp dir: the same text the engine sends over SSH.
const run = (command: string) => execFileSync('sh', ['-c', command], { encoding: 'utf8' });

function deployDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rp-cmd-'));
  mkdirSync(join(dir, '.platform'), { recursive: true });
  mkdirSync(join(dir, 'releases'), { recursive: true });
  mkdirSync(join(dir, '.releases-incoming'), { recursive: true });
  return dir;
}

const history = { releaseId: 'r2', from: 'r1', to: 'r2', at: '2026-01-01T00:00:00Z', actor: 'me', kind: 'release' as const };

describe('lock commands', () => {
  it('the second acquire sees the first owner; takeover replaces only the lock it saw', () => {
    const dir = deployDir();
    expect(run(lockAcquireCommand(dir, '{"releaseId":"a"}').text)).toBe('lock=acquired\n');
    expect(run(lockAcquireCommand(dir, '{"releaseId":"b"}').text)).toBe('lock=held {"releaseId":"a"}\n');
    expect(() => run(lockTakeoverCommand(dir, '{"releaseId":"stale"}', '{"releaseId":"b"}').text)).toThrow();
    run(lockTakeoverCommand(dir, '{"releaseId":"a"}', '{"releaseId":"b"}').text);
    expect(readFileSync(join(dir, '.platform/lock'), 'utf8')).toBe('{"releaseId":"b"}\n');
    expect(existsSync(join(dir, '.platform/lock.takeover'))).toBe(false);
  });
});

describe('switchCommand', () => {
  it('replaces current atomically, refuses a missing release and appends history', () => {
    const dir = deployDir();
    mkdirSync(join(dir, 'releases/r1'));
    mkdirSync(join(dir, 'releases/r2'));
    symlinkSync('releases/r1', join(dir, 'current'));
    expect(run(switchCommand(dir, 'r2', history).text)).toBe('switched\n');
    expect(readlinkSync(join(dir, 'current'))).toBe('releases/r2');
    expect(JSON.parse(readFileSync(join(dir, '.platform/history.jsonl'), 'utf8'))).toEqual(history);
    expect(() => run(switchCommand(dir, 'missing', history).text)).toThrow();
    expect(readlinkSync(join(dir, 'current'))).toBe('releases/r2');
  });
});

describe('cleanupCommand', () => {
  it('keeps the newest N plus protected releases, drops leftovers and the artifacts hosts used to keep, reports current', async () => {
    const dir = deployDir();
    for (const [i, id] of ['r1', 'r2', 'r3', 'r4', 'r5.partial', 'r6.staged'].entries()) {
      mkdirSync(join(dir, 'releases', id));
      // Distinct mtimes so "newest" is well defined: r1 oldest.
      execFileSync('touch', ['-d', `2026-01-0${i + 1}`, join(dir, 'releases', id)]);
    }
    symlinkSync('releases/r1', join(dir, 'current'));
    writeFileSync(join(dir, '.releases-incoming/old.tar.gz'), 'x');
    mkdirSync(join(dir, '.platform/received'), { recursive: true });
    writeFileSync(join(dir, '.platform/received/r6.sha256'), 'x');
    execFileSync('mkfifo', [join(dir, '.platform/upload-r5.fifo')]);
    writeFileSync(join(dir, '.platform/lock'), '{"releaseId":"r4"}\n');
    const out = run(cleanupCommand(dir, { keep: 1, protect: ['r1', 'r2'], releaseId: 'r4' }).text);
    expect(parseKeyValues(out).get('current')).toBe('releases/r1');
    expect(execFileSync('ls', [join(dir, 'releases')], { encoding: 'utf8' }).split('\n').filter(Boolean)).toEqual(['r1', 'r2', 'r4']);
    expect(existsSync(join(dir, '.releases-incoming'))).toBe(false);
    expect(readdirSync(join(dir, '.platform/received'))).toEqual([]);
    expect(readdirSync(join(dir, '.platform')).filter((name) => name.endsWith('.fifo'))).toEqual([]);
    expect(existsSync(join(dir, '.platform/lock'))).toBe(false);
    // Removed trees go to the trash at once and are deleted in the background.
    for (let i = 0; i < 50 && readdirSync(join(dir, '.platform/trash')).length > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(readdirSync(join(dir, '.platform/trash'))).toEqual([]);
  });
});

describe('parseKeyValues / currentToId', () => {
  it('reads key=value lines and release ids from readlink output', () => {
    const values = parseKeyValues('free=123\ncurrent=releases/r9\nlock=held {"a":"b=c"}\nnoise\n');
    expect(values.get('free')).toBe('123');
    expect(values.get('lock')).toBe('held {"a":"b=c"}');
    expect(currentToId(values.get('current') ?? '')).toBe('r9');
    expect(currentToId('/srv/app/releases/r9/')).toBe('r9');
    expect(currentToId('')).toBeNull();
    expect(currentToId('/opt/elsewhere')).toBeNull();
  });
});
