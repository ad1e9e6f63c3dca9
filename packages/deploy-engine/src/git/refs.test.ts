import { describe, expect, it } from 'vitest';
import { PlanValidationError } from '../errors.js';
import { parseLsRemote, resolveRef } from './refs.js';

const a = 'a'.repeat(40);
const b = 'b'.repeat(40);
const c = 'c'.repeat(40);

describe('parseLsRemote', () => {
  it('splits branches and tags and prefers the peeled commit of annotated tags', () => {
    const text = [`${a}\trefs/heads/main`, `${b}\trefs/tags/v1`, `${c}\trefs/tags/v1^{}`, `${a}\trefs/tags/light`, 'garbage', ''].join('\n');
    expect(parseLsRemote(text)).toEqual({
      branches: [{ name: 'main', sha: a }],
      tags: [
        { name: 'v1', sha: c },
        { name: 'light', sha: a },
      ],
    });
  });
});

describe('resolveRef', () => {
  it('returns a full sha unchanged without touching the network', async () => {
    await expect(resolveRef('https://invalid.invalid/x.git', a)).resolves.toEqual({ ok: true, sha: a });
  });
  it('rejects a ref with shell syntax before running git', async () => {
    await expect(resolveRef('file:///nonexistent', 'main;touch /tmp/x')).rejects.toBeInstanceOf(PlanValidationError);
    await expect(resolveRef('file:///nonexistent', '$(id)')).rejects.toBeInstanceOf(PlanValidationError);
  });
});
