import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readlinkSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentToId } from '../run/current.js';
import { createHash } from 'node:crypto';
import { cleanupCommand, lockAcquireCommand, lockTakeoverCommand, NOT_RECEIVED, parseKeyValues, releaseCommand, switchCommand, uploadCommand } from './commands.js';

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

describe('uploadCommand and releaseCommand', () => {
  const tarball = (dir: string): Buffer => {
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'VERSION'), 'v1\n');
    return execFileSync('tar', ['-czf', '-', '-C', tree, '.']);
  };
  const receive = (dir: string, bytes: Buffer) => execFileSync('sh', ['-c', uploadCommand(dir, 'tar.gz', 'r7').text], { input: bytes, encoding: 'utf8' });
  const unpack = (sha256: string) => ({ releaseId: 'r7', sha256, sharedDirs: [], sharedFiles: [] });

  it('prints the checksum of what arrived, and the release uses the staged tree only when that is the artifact\'s', () => {
    const dir = deployDir();
    const bytes = tarball(dir);
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(parseKeyValues(receive(dir, bytes)).get('sha256')).toBe(sha);
    expect(readdirSync(join(dir, 'releases'))).toEqual(['r7.staged']);
    // A tree received with another checksum is refused, and nothing switches.
    const wrong = spawnSync('sh', ['-c', releaseCommand(dir, unpack('0'.repeat(64)), { ...history, releaseId: 'r7', to: 'r7' }).text], { encoding: 'utf8' });
    expect(wrong.status).toBe(NOT_RECEIVED);
    expect(wrong.stderr).toContain('was not received whole');
    expect(existsSync(join(dir, 'current'))).toBe(false);
    expect(run(releaseCommand(dir, unpack(sha), { ...history, releaseId: 'r7', to: 'r7' }).text)).toContain('switched');
    expect(readFileSync(join(dir, 'current', 'VERSION'), 'utf8')).toBe('v1\n');
    expect(existsSync(join(dir, '.platform/received/r7.sha256'))).toBe(false);
  });

  it('a truncated artifact fails the upload and leaves no staged tree', () => {
    const dir = deployDir();
    const bytes = tarball(dir);
    expect(() => execFileSync('sh', ['-c', uploadCommand(dir, 'tar.gz', 'r7').text], { input: bytes.subarray(0, bytes.length - 40), stdio: ['pipe', 'ignore', 'ignore'] })).toThrow();
    expect(readdirSync(join(dir, 'releases'))).toEqual([]);
    expect(existsSync(join(dir, '.platform/received/r7.sha256'))).toBe(false);
  });
});
