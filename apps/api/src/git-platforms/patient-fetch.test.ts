import { describe, expect, it } from 'vitest';
import { retryDelayMs } from './patient-fetch.js';

describe('retryDelayMs', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  const headers = (h: Record<string, string>) => new Headers(h);

  it('waits as long as Retry-After says, in seconds or until a date', () => {
    expect(retryDelayMs(headers({ 'retry-after': '7' }), 1, now)).toBe(7000);
    expect(retryDelayMs(headers({ 'retry-after': 'Tue, 01 Dec 2026 10:00:30 GMT' }), 1, now)).toBe(30_000);
    expect(retryDelayMs(headers({ 'retry-after': 'Tue, 01 Dec 2026 09:59:00 GMT' }), 1, now)).toBe(0);
  });

  it("falls back to the quota's reset time (GitLab's or GitHub's header), then to doubling from one second", () => {
    expect(retryDelayMs(headers({ 'ratelimit-reset': String(now / 1000 + 12) }), 1, now)).toBe(12_000);
    expect(retryDelayMs(headers({ 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(now / 1000 + 40) }), 1, now)).toBe(40_000);
    expect([1, 2, 3].map((attempt) => retryDelayMs(headers({}), attempt, now))).toEqual([1000, 2000, 4000]);
    expect(retryDelayMs(headers({ 'retry-after': 'soon' }), 2, now)).toBe(2000);
  });
});
