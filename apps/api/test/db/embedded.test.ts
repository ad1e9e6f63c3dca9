import { describe, expect, it } from 'vitest';
import { classifyServer, parsePostmasterPid, type ProcessInfo } from '../../src/db/postmaster.js';

const pidFileText = '4242\n/data/pg\n1700000000\n54329\n\n127.0.0.1\n  54329001         0\nready   \n';

function processes(table: Record<number, { comm: string; parent: number }>): ProcessInfo {
  return {
    alive: (pid) => pid in table,
    comm: (pid) => table[pid]?.comm,
    parentPid: (pid) => table[pid]?.parent,
  };
}

describe('parsePostmasterPid', () => {
  it('reads pid, data directory and port', () => {
    expect(parsePostmasterPid(pidFileText)).toEqual({ pid: 4242, dataDir: '/data/pg', port: 54329 });
  });

  it('rejects a truncated file', () => {
    expect(parsePostmasterPid('4242\n')).toBeUndefined();
    expect(parsePostmasterPid('')).toBeUndefined();
  });
});

describe('classifyServer', () => {
  const pidFile = parsePostmasterPid(pidFileText);
  const owner = 77;

  it('has nothing to do without a pid file', () => {
    expect(classifyServer(undefined, owner, processes({}))).toEqual({ kind: 'none' });
  });

  it('treats a dead pid as stale (kill -9 of the whole process group)', () => {
    expect(classifyServer(pidFile, owner, processes({}))).toEqual({ kind: 'stale' });
  });

  it('treats a pid recycled by another program as stale', () => {
    expect(classifyServer(pidFile, owner, processes({ 4242: { comm: 'sshd', parent: 1 } }))).toEqual({ kind: 'stale' });
  });

  it('finds a postmaster whose starting process was killed', () => {
    expect(classifyServer(pidFile, owner, processes({ 4242: { comm: 'postgres', parent: 1 } }))).toEqual({
      kind: 'orphan',
      pid: 4242,
    });
  });

  it('finds an orphan even when its starter\'s pid was recycled', () => {
    const table = { 4242: { comm: 'postgres', parent: 1 }, 77: { comm: 'bash', parent: 1 } };
    expect(classifyServer(pidFile, owner, processes(table))).toEqual({ kind: 'orphan', pid: 4242 });
  });

  it('treats a postmaster with no recorded starter as an orphan', () => {
    expect(classifyServer(pidFile, undefined, processes({ 4242: { comm: 'postgres', parent: 1 } }))).toEqual({
      kind: 'orphan',
      pid: 4242,
    });
  });

  it('shares a postmaster its live starter runs, whatever that process is called', () => {
    const table = { 4242: { comm: 'postgres', parent: 77 }, 77: { comm: 'MainThread', parent: 1 } };
    expect(classifyServer(pidFile, owner, processes(table))).toEqual({ kind: 'running', pid: 4242, port: 54329 });
  });
});
