import type { AutoReleaseView } from '@rp/contract/auto-release';
import { DEFAULT_AUTO_RELEASE } from '@rp/contract/rules';
import { describe, expect, it } from 'vitest';
import { hasWord, judge } from './auto-release-rules.js';
import type { Reading } from './readers/reading.js';

const rule = (changes: Partial<AutoReleaseView>): AutoReleaseView => ({ ...DEFAULT_AUTO_RELEASE, enabled: true, branches: ['main', 'release/*'], tags: ['v*'], ...changes });
const reading = (changes: Partial<Reading>): Reading => ({ event: 'Push Hook', trigger: 'push', ref: 'main', refKind: 'branch', commit: 'a'.repeat(40), message: 'ship it devops', pusher: 'alice', ignored: null, ...changes });

describe('the keyword as a word', () => {
  it('matches in any case when no letter, digit or underscore touches it', () => {
    for (const message of ['devops', 'Fix login [DevOps]', 'DEVOPS: ship', 'deploy devops\n', '发布devops', 'devops-ready']) expect(hasWord(message, 'devops'), message).toBe(true);
    for (const message of ['devopsy', 'my_devops', 'devops2', 'dev ops', '']) expect(hasWord(message, 'devops'), message).toBe(false);
  });

  it('takes the keyword literally, whatever characters it holds', () => {
    expect(hasWord('please [deploy] now', '[deploy]')).toBe(true);
    expect(hasWord('deploy', 'dep.oy')).toBe(false);
    expect(hasWord('a'.repeat(4000), 'a+')).toBe(false);
  });
});

describe('an environment\'s rule against a delivery', () => {
  it('says why it does not release, in the order a person checks', () => {
    expect(judge(rule({ enabled: false }), reading({}))).toEqual({ release: false, why: 'auto-release is off' });
    expect(judge(rule({ events: ['tag_push'] }), reading({}))).toEqual({ release: false, why: 'releases on tag pushes only, not pushes' });
    expect(judge(rule({}), reading({ ref: 'feat/x' }))).toEqual({ release: false, why: 'branch feat/x matches none of main, release/*' });
    expect(judge(rule({ tags: [], events: ['tag_push'] }), reading({ trigger: 'tag_push', refKind: 'tag', ref: 'v1' }))).toEqual({ release: false, why: 'no tag globs' });
    expect(judge(rule({}), reading({ message: 'devops [Skip Deploy]' }))).toEqual({ release: false, why: 'the head commit says [skip deploy]' });
    expect(judge(rule({}), reading({ message: 'nothing here' }))).toEqual({ release: false, why: 'the head commit\'s message lacks the word "devops"' });
    expect(judge(rule({}), reading({ message: null })).release).toBe(false);
  });

  it('releases what matches, and an empty keyword or marker asks nothing of the message', () => {
    expect(judge(rule({}), reading({ ref: 'release/2.1' }))).toEqual({ release: true, matched: 'branch glob release/*, keyword "devops"' });
    expect(judge(rule({ keyword: '' }), reading({ message: null }))).toEqual({ release: true, matched: 'branch glob main' });
    expect(judge(rule({ skipMarker: '' }), reading({ message: 'devops [skip deploy]' })).release).toBe(true);
    expect(judge(rule({ events: ['pipeline'] }), reading({ trigger: 'pipeline', ref: 'v2', refKind: 'tag' }))).toEqual({ release: true, matched: 'tag glob v*, keyword "devops"' });
  });
});
