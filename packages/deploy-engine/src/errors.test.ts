import { describe, expect, it } from 'vitest';
import { describeFailure, engineError } from './errors.js';

describe('describeFailure', () => {
  it('names the code of engine errors and the exit status and stderr of commands', () => {
    expect(describeFailure(engineError('locked', '/srv/app is locked by release r1'))).toBe('locked: /srv/app is locked by release r1');
    expect(describeFailure({ kind: 'exec', command: 'tar -x', exitCode: 2, stderrTail: 'disk full\n', durationMs: 5 })).toBe('command failed (exit 2): tar -x — disk full');
    expect(describeFailure({ kind: 'exec', command: 'sleep 9', exitCode: null, stderrTail: '', durationMs: 5, reason: 'timeout' })).toBe('command failed (timeout): sleep 9');
  });
});
