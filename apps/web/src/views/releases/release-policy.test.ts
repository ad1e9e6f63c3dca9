import { describe, expect, it } from 'vitest';
import type { ReleasePolicy } from '@/api/environments';
import { offeredRefs, refFits, refRuleMessage, releaseBlock } from './release-policy';

const policy = (extra: Partial<ReleasePolicy>): ReleasePolicy => ({
  releasers: 'developers',
  releaserIds: [],
  approvers: 'owners',
  approverIds: [],
  refPolicy: { kind: 'any' },
  customRollout: 'everyone',
  ...extra,
});
const refs = { branches: [{ name: 'main' }, { name: 'v-hotfix' }], tags: [{ name: 'v1.0' }, { name: 'rc-1' }] };
const names = { branches: ['main', 'v-hotfix'], tags: ['v1.0', 'rc-1'] };

describe('release policy in the release form', () => {
  it('words the ref rule through a locale key', () => {
    expect(refRuleMessage({ kind: 'any' })).toBeNull();
    expect(refRuleMessage({ kind: 'tags', pattern: 'v*' })).toEqual({ key: 'releases.policy.tagsMatching', params: { pattern: 'v*' } });
    expect(refRuleMessage({ kind: 'branches' })).toEqual({ key: 'releases.policy.branchesOnly', params: { pattern: '' } });
  });

  it('offers only the refs the rule accepts', () => {
    expect(offeredRefs({ kind: 'tags', pattern: 'v*' }, refs)).toEqual({ branches: [], tags: [{ name: 'v1.0' }] });
    expect(offeredRefs({ kind: 'branches' }, refs)).toEqual({ branches: refs.branches, tags: [] });
    expect(offeredRefs({ kind: 'any' }, refs)).toBe(refs);
  });

  it('tells whether a chosen ref fits, as far as the known refs show', () => {
    const rule = { kind: 'tags', pattern: 'v*' } as const;
    expect(refFits(rule, 'v1.0', names)).toBe(true);
    expect(refFits(rule, 'main', names)).toBe(false);
    expect(refFits(rule, 'v-hotfix', names)).toBe(false);
    expect(refFits(rule, 'a'.repeat(40), names)).toBe(false);
    // Typed and unknown: the API decides.
    expect(refFits(rule, 'v2.0', names)).toBe(true);
    expect(refFits({ kind: 'any' }, 'main', names)).toBe(true);
  });

  it('blocks as the API would: role, owners only, or named releasers', () => {
    const developer = { userId: 'd', owner: false, developer: true };
    expect(releaseBlock(policy({}), developer)).toBeNull();
    expect(releaseBlock(policy({}), { userId: 'v', owner: false, developer: false })).toBe('role');
    expect(releaseBlock(policy({ releasers: 'owners' }), developer)).toBe('owners');
    expect(releaseBlock(policy({ releasers: 'owners' }), { userId: 'o', owner: true, developer: true })).toBeNull();
    expect(releaseBlock(policy({ releasers: 'named', releaserIds: ['x'] }), developer)).toBe('named');
    expect(releaseBlock(policy({ releasers: 'named', releaserIds: ['d'] }), developer)).toBeNull();
  });
});
