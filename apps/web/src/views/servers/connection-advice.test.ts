import { describe, expect, it } from 'vitest';
import { connectionAdvice } from './connection-advice';

describe('connection advice', () => {
  it.each([
    ['connect-failed', 'All configured authentication methods failed', 'auth'],
    ['connect-failed', 'connect ECONNREFUSED 10.0.0.5:22', 'refused'],
    ['connect-failed', 'getaddrinfo ENOTFOUND web-9.internal', 'dns'],
    ['connect-failed', 'Timed out while waiting for handshake', 'timeout'],
    ['connect-failed', 'connect EHOSTUNREACH 10.0.0.5:22', 'timeout'],
    ['host-key-mismatch', 'host key SHA256:abc does not match the pinned SHA256:def', 'hostKey'],
    ['command-failed', 'uname -a exited with 127: not found', 'command'],
    ['connect-failed', 'Protocol mismatch', 'notSsh'],
  ])('%s "%s" → %s', (code, error, advice) => {
    expect(connectionAdvice(code, error)).toBe(advice);
  });

  it('gives no advice it cannot back', () => {
    expect(connectionAdvice('connect-failed', 'something new went wrong')).toBeNull();
    expect(connectionAdvice(null, null)).toBeNull();
  });
});
