import { describe, expect, it } from 'vitest';
import type { RemoteOutcome } from '../run/remote.js';
import { commandFailure, OutputTail, seconds, urlFailure } from './health-reason.js';

type Failed = Extract<RemoteOutcome, { ok: false }>;
const exec = (exitCode: number | null, stdout: string, stderrTail: string, reason?: 'timeout'): Failed => ({
  ok: false,
  error: { kind: 'exec', command: 'c', exitCode, stderrTail, durationMs: 1, ...(reason ? { reason } : {}) },
  out: { exitCode, stdout, stderrTail, durationMs: 1 },
});

describe('why a health check attempt failed', () => {
  it('quotes the end of the output, whole lines within 1 KiB, on one line', () => {
    const tail = new OutputTail();
    for (let i = 1; i <= 200; i++) tail.add(Buffer.from(`line ${i}\n`));
    const text = tail.text;
    expect(text.startsWith('…line ')).toBe(true);
    expect(text.endsWith('line 199 ⏎ line 200')).toBe(true);
    expect(text.length).toBeLessThanOrEqual(1024 + 200 * 3);
    expect(text).not.toContain('line 1 ⏎');
  });

  it('says exit status or timeout, and when there was no output', () => {
    expect(commandFailure(exec(1, '', ''), '', 5000)).toBe('exit 1, no output');
    expect(commandFailure(exec(null, '', '', 'timeout'), 'waiting', 5000)).toBe('timed out after 5 s: "waiting"');
  });

  it('gives the HTTP status and the body start, or what curl says when there was no response', () => {
    expect(urlFailure(exec(22, 'http_status=503\nstarting\n', ''), '', 2000)).toBe('HTTP 503: "starting"');
    expect(urlFailure(exec(22, 'http_status=404\n', ''), '', 2000)).toBe('HTTP 404, empty body');
    expect(urlFailure(exec(22, `http_status=500\n${'<p>\x1b[0m'.repeat(100)}`, ''), '', 2000)).toBe(`HTTP 500: "${'<p> [0m'.repeat(28)}<p>"`);
    expect(urlFailure(exec(28, 'http_status=000\n', 'curl: (28) Operation timed out after 2001 milliseconds with 0 bytes received\n'), '', 2000)).toBe(
      'timed out: Operation timed out after 2001 milliseconds with 0 bytes received',
    );
    expect(urlFailure(exec(8, '', ''), '', 2000)).toBe('exit 8, no output');
  });

  it('writes waits as the operator reads them', () => {
    expect([100, 1000, 1500, 2000, 10_000].map(seconds)).toEqual(['100 ms', '1 s', '1.5 s', '2 s', '10 s']);
  });
});
