import { describe, expect, it } from 'vitest';
import type { GroupRole } from '../generated/prisma/enums.js';
import type { Actor } from '../plugins/app/auth/actor.js';
import { globMatches } from '@rp/contract/rules';
import { approverRefusal, DEFAULT_POLICY, policyOf, refRefusal, releaseRefusal, releaserRefusal, rolloutRefusal, whoIs, windowRefusal, type ReleasePolicy } from './policy.js';

const GROUP = 'g1';
const person = (userId: string, role: GroupRole | null, isAdmin = false): { actor: Actor; groupId: string } => ({
  actor: { userId, username: userId, isAdmin, roles: new Map(role ? [[GROUP, role]] : []), via: 'session' },
  groupId: GROUP,
});
const owner = person('o', 'owner');
const developer = person('d', 'developer');
const viewer = person('v', 'viewer');
const admin = person('a', null, true);
const env = (policy: Partial<ReleasePolicy>) => ({ name: 'production', policy: { ...DEFAULT_POLICY, ...policy } });

describe('release policy', () => {
  it('an empty or damaged stored policy means the rules from before policies', () => {
    expect(policyOf({})).toEqual(DEFAULT_POLICY);
    expect(policyOf(null)).toEqual(DEFAULT_POLICY);
    expect(policyOf({ releasers: 'everyone', refPolicy: { kind: 'regex', pattern: '.*' }, customRollout: 3 })).toEqual(DEFAULT_POLICY);
    // Named lists only count under "named".
    expect(policyOf({ releasers: 'owners', releaserIds: ['x'] }).releaserIds).toEqual([]);
    expect(policyOf({ refPolicy: { kind: 'tags', pattern: 'v*' } }).refPolicy).toEqual({ kind: 'tags', pattern: 'v*' });
  });

  it('releasers: developers and up by default; owners only; owners plus named developers', () => {
    expect(releaserRefusal(env({}), developer)).toBeNull();
    expect(releaserRefusal(env({}), viewer)).toMatch(/developer/);
    expect(releaserRefusal(env({ releasers: 'owners' }), developer)).toBe('Only owners may release to production');
    expect(releaserRefusal(env({ releasers: 'owners' }), owner)).toBeNull();
    expect(releaserRefusal(env({ releasers: 'owners' }), admin)).toBeNull();
    const named = env({ releasers: 'named', releaserIds: ['d'] });
    expect(releaserRefusal(named, developer)).toBeNull();
    expect(releaserRefusal(named, person('d2', 'developer'))).toMatch(/named releasers/);
    expect(releaserRefusal(named, owner)).toBeNull();
    // Being named does not lift a viewer: the role still counts.
    expect(releaserRefusal(env({ releasers: 'named', releaserIds: ['v'] }), viewer)).toMatch(/developer/);
  });

  it('approvers: owners by default; named developers too under "named"', () => {
    expect(approverRefusal(env({}), developer)).toBe('Only owners may approve releases to production');
    expect(approverRefusal(env({}), owner)).toBeNull();
    expect(approverRefusal(env({}), admin)).toBeNull();
    const named = env({ approvers: 'named', approverIds: ['d', 'v'] });
    expect(approverRefusal(named, developer)).toBeNull();
    expect(approverRefusal(named, viewer)).toMatch(/named approvers/);
    expect(approverRefusal(named, person('d2', 'developer'))).toMatch(/named approvers/);
  });

  it('refs: tags only, matching a glob; the message names the rule', () => {
    const tags = env({ refPolicy: { kind: 'tags', pattern: 'v*' } });
    expect(refRefusal(tags, 'v1.2.0', 'tag')).toBeNull();
    expect(refRefusal(tags, 'refs/tags/v1.2.0', null)).toBeNull();
    expect(refRefusal(tags, 'main', 'branch')).toBe('production accepts tags matching v* only; "main" is a branch');
    expect(refRefusal(tags, 'v-hotfix', 'branch')).toMatch(/is a branch/);
    expect(refRefusal(tags, 'release-1', 'tag')).toBe('production accepts tags matching v* only; "release-1" does not match');
    expect(refRefusal(tags, 'a'.repeat(40), null)).toMatch(/is a commit/);
    // Unknown kind (claim time): what the name shows is checked, the rest was checked when the ref came in.
    expect(refRefusal(tags, 'v2', null)).toBeNull();
    expect(refRefusal(tags, 'refs/heads/v2', null)).toMatch(/is a branch/);
    expect(refRefusal(env({ refPolicy: { kind: 'branches', pattern: 'release/*' } }), 'release/2026-12', 'branch')).toBeNull();
    expect(refRefusal(env({ refPolicy: { kind: 'branches' } }), 'v1', 'tag')).toBe('production accepts branches only; "v1" is a tag');
    expect(refRefusal(env({}), 'a'.repeat(40), 'commit')).toBeNull();
  });

  it('globs are anchored, * spans anything, ? one character, everything else literal', () => {
    expect(globMatches('v*', 'v1.0')).toBe(true);
    expect(globMatches('v*', 'xv1.0')).toBe(false);
    expect(globMatches('v?.*', 'v1.0')).toBe(true);
    expect(globMatches('v?.*', 'v10.0')).toBe(false);
    expect(globMatches('release/*', 'release/a/b')).toBe(true);
    expect(globMatches('v1.0', 'v1x0')).toBe(false);
    expect(globMatches('*-rc*', 'v2-rc1')).toBe(true);
    expect(globMatches('*', '')).toBe(true);
  });

  it('a pattern made to backtrack still answers at once', () => {
    const started = performance.now();
    expect(globMatches(`${'*a'.repeat(50)}b`, 'a'.repeat(255))).toBe(false);
    expect(performance.now() - started).toBeLessThan(200);
  });

  it('custom rollouts: everyone by default, owners only when the policy says so', () => {
    expect(rolloutRefusal(env({}), developer, true)).toBeNull();
    expect(rolloutRefusal(env({ customRollout: 'owners' }), developer, true)).toBe('Only owners may choose a custom rollout for production');
    expect(rolloutRefusal(env({ customRollout: 'owners' }), developer, false)).toBeNull();
    expect(rolloutRefusal(env({ customRollout: 'owners' }), owner, true)).toBeNull();
  });

  it('a release request is refused for the first rule a person would have to fix', () => {
    const strict = env({ releasers: 'owners', refPolicy: { kind: 'tags' }, customRollout: 'owners' });
    expect(releaseRefusal(strict, { who: developer, ref: 'main', refKind: 'branch', customRollout: true })?.rule).toBe('releasers');
    expect(releaseRefusal(strict, { who: owner, ref: 'main', refKind: 'branch' })?.rule).toBe('refPolicy');
    expect(releaseRefusal(env({ customRollout: 'owners' }), { who: developer, ref: 'main', refKind: null, customRollout: true })?.rule).toBe('customRollout');
    expect(releaseRefusal(strict, { who: owner, ref: 'v1', refKind: 'tag', customRollout: true })).toBeNull();
  });

  it('a disabled user has no standing, whatever their roles', () => {
    const user = { id: 'u', username: 'u', isAdmin: true, disabled: true, memberships: [{ groupId: GROUP, role: 'owner' as const }] };
    expect(releaserRefusal(env({}), whoIs(user, GROUP))).toMatch(/developer/);
    expect(releaserRefusal(env({}), whoIs({ ...user, disabled: false, isAdmin: false }, GROUP))).toBeNull();
  });

  it('windows: none means open; outside them the refusal names the environment and zone', () => {
    const monday10 = new Date('2026-11-23T10:00:00Z');
    expect(windowRefusal({ name: 'production', releaseWindows: [], timezone: 'UTC' }, monday10)).toBeNull();
    const weekends = { name: 'production', releaseWindows: [{ days: [0, 6], start: '00:00', end: '24:00' }], timezone: 'UTC' };
    expect(windowRefusal(weekends, monday10)).toBe('Environment production is outside its release windows (UTC)');
    expect(windowRefusal(weekends, new Date('2026-11-22T10:00:00Z'))).toBeNull();
  });
});
