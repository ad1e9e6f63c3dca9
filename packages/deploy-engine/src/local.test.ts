import { afterEach, describe, expect, it } from 'vitest';
import { runLocal } from './local.js';

const names = ['SECRET_KEY', 'DATABASE_URL', 'GIT_SSL_CAINFO', 'HTTPS_PROXY'] as const;
const saved = Object.fromEntries(names.map((n) => [n, process.env[n]]));

afterEach(() => {
  for (const n of names) {
    if (saved[n] === undefined) delete process.env[n];
    else process.env[n] = saved[n];
  }
});

describe('runLocal', () => {
  it("gives a tool proxies and the Git CA bundle, never the platform's secrets", async () => {
    Object.assign(process.env, { SECRET_KEY: 'k'.repeat(32), DATABASE_URL: 'postgres://u:p@db/x', GIT_SSL_CAINFO: '/etc/ssl/internal-ca.pem', HTTPS_PROXY: 'http://proxy:3128' });
    const out = await runLocal('sh', ['-c', 'env'], { env: { EXTRA: 'given' } });
    const seen = new Map(out.stdout.trim().split('\n').map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]));
    expect(seen.get('GIT_SSL_CAINFO')).toBe('/etc/ssl/internal-ca.pem');
    expect(seen.get('HTTPS_PROXY')).toBe('http://proxy:3128');
    expect(seen.get('EXTRA')).toBe('given');
    expect(seen.has('SECRET_KEY')).toBe(false);
    expect(seen.has('DATABASE_URL')).toBe(false);
  });
});
