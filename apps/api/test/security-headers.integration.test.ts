import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/test-app.js';

/** Helmet's headers, worked out once at start (plugins/app/security-headers.ts), on every kind of response. */
describe('security headers', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp();
  });
  afterAll(async () => t?.close());

  it('are on successes, refusals and unknown paths alike', async () => {
    const user = await t.createUser();
    const responses = [
      await t.call(null, { method: 'GET', url: '/healthz' }),
      await t.call(user.token, { method: 'GET', url: '/api/auth/me' }),
      await t.call(null, { method: 'GET', url: '/api/auth/me' }),
      await t.call(null, { method: 'GET', url: '/api/no-such-thing' }),
    ];
    expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 401, 404]);
    for (const response of responses) {
      expect(response.headers).toMatchObject({
        'content-security-policy': expect.stringContaining("default-src 'self';"),
        'strict-transport-security': 'max-age=31536000; includeSubDomains',
        'x-content-type-options': 'nosniff',
        'x-frame-options': 'SAMEORIGIN',
        'referrer-policy': 'no-referrer',
        'cross-origin-opener-policy': 'same-origin',
      });
      expect(response.headers['content-security-policy']).toContain("connect-src 'self' ws: wss:");
      expect(response.headers['content-security-policy']).not.toContain('upgrade-insecure-requests');
      expect(response.headers['x-powered-by']).toBeUndefined();
    }
  });
});
