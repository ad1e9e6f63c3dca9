import { describe, expect, it } from 'vitest';
import { auditChanges, flattened, HIDDEN, TEXT_CAP } from './changes.js';

describe('auditChanges', () => {
  it('lists only the named fields whose value differs, deep-equal for JSON', () => {
    const before = { name: 'a', keep: 5, healthCheck: { type: 'http', url: 'http://x/' }, batches: [1, '50%'], updatedAt: new Date(1) };
    const after = { name: 'b', keep: 5, healthCheck: { type: 'http', url: 'http://x/' }, batches: [1, '60%'], updatedAt: new Date(2) };
    expect(auditChanges(before, after, { plain: ['name', 'keep', 'healthCheck', 'batches'] })).toEqual({
      name: { from: 'a', to: 'b' },
      batches: { from: [1, '50%'], to: [1, '60%'] },
    });
  });

  it('shows missing values as null and big integers and dates as strings', () => {
    expect(auditChanges({ remote: 7n, at: null }, { remote: null, at: new Date('2026-01-02T03:04:05Z') }, { plain: ['remote', 'at'] })).toEqual({
      remote: { from: '7', to: null },
      at: { from: null, to: '2026-01-02T03:04:05.000Z' },
    });
    expect(auditChanges({ remote: 7n }, { remote: 7n }, { plain: ['remote'] })).toEqual({});
  });

  it('keeps the start of a long text and marks it cut', () => {
    const long = `${'x'.repeat(TEXT_CAP)}tail`;
    expect(auditChanges({ script: 'short' }, { script: long }, { plain: ['script'] })).toEqual({ script: { from: 'short', to: 'x'.repeat(TEXT_CAP), truncated: true } });
  });

  it('hides secrets on both sides, null only where there was none', () => {
    const changes = auditChanges({ token: 'cipher-1', key: null }, { token: 'cipher-2', key: 'cipher-3' }, { plain: [], secret: ['token', 'key'] });
    expect(changes).toEqual({ token: { from: HIDDEN, to: HIDDEN, secret: true }, key: { from: null, to: HIDDEN, secret: true } });
    expect(JSON.stringify(changes)).not.toContain('cipher');
    expect(auditChanges({ token: 'same' }, { token: 'same' }, { plain: [], secret: ['token'] })).toEqual({});
  });

  it('compares keyed lists by key, hiding the values of keys that are or were secret', () => {
    const before = [
      { key: 'PORT', value: '3000', secret: false },
      { key: 'PASS', value: 'cipher-old', secret: true },
      { key: 'WAS_PLAIN', value: 'soon-secret', secret: false },
      { key: 'GONE', value: 'bye', secret: false },
      { key: 'SAME', value: 'cipher-same', secret: true },
    ];
    const after = [
      { key: 'PORT', value: '3001', secret: false },
      { key: 'PASS', value: 'cipher-new', secret: true },
      { key: 'WAS_PLAIN', value: 'cipher-x', secret: true },
      { key: 'NEW', value: 'hi', secret: false },
      { key: 'SAME', value: 'cipher-same', secret: true },
    ];
    const changes = auditChanges({ variables: before }, { variables: after }, { plain: [], keyed: ['variables'] });
    expect(changes).toEqual({
      variables: {
        keys: {
          PORT: { from: '3000', to: '3001' },
          PASS: { from: HIDDEN, to: HIDDEN, secret: true },
          WAS_PLAIN: { from: HIDDEN, to: HIDDEN, secret: true },
          GONE: { from: 'bye', to: null },
          NEW: { from: null, to: 'hi' },
        },
      },
    });
    expect(JSON.stringify(changes)).not.toMatch(/cipher|soon-secret/);
    expect(auditChanges({ variables: before }, { variables: before }, { plain: [], keyed: ['variables'] })).toEqual({});
  });
});

describe('flattened', () => {
  it('names each script of an object under the prefix', () => {
    expect(flattened('hooks', { 'before-release': 'a', 'after-release': 'b' })).toEqual({ 'hooks.before-release': 'a', 'hooks.after-release': 'b' });
  });
});
