import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { readGitee } from './gitee.js';
import { readGitHub } from './github.js';
import { readGitLab } from './gitlab.js';
import type { Payload } from './reading.js';

/** Payloads shaped as each platform documents them (apps/api/test/fixtures/webhooks). */
const fixture = (name: string): Payload => JSON.parse(readFileSync(new URL(`../../../test/fixtures/webhooks/${name}.json`, import.meta.url), 'utf8'));
const HEAD = 'da1560886d4f094c3e6c9ef40349f7d38b5d27d7';

describe('delivery readers', () => {
  it('reads a GitLab push: the head commit is checkout_sha, its message found among the commits', () => {
    expect(readGitLab('Push Hook', fixture('gitlab-push'))).toEqual({
      event: 'Push Hook',
      trigger: 'push',
      ref: 'main',
      refKind: 'branch',
      commit: HEAD,
      message: 'Fix the basket total rounding\n\nReleases with devops.\n',
      pusher: 'lilei',
      ignored: null,
    });
  });

  it('reads a GitLab tag push of an existing commit, which lists no commits and so no message', () => {
    expect(readGitLab('Tag Push Hook', fixture('gitlab-tag-push'))).toMatchObject({ trigger: 'tag_push', ref: 'v2.3.0', refKind: 'tag', commit: HEAD, message: null, pusher: 'hanmm', ignored: null });
  });

  it('reads a GitLab pipeline, and only one that succeeded can release', () => {
    const pipeline = fixture('gitlab-pipeline');
    expect(readGitLab('Pipeline Hook', pipeline)).toMatchObject({ trigger: 'pipeline', ref: 'main', refKind: 'branch', commit: HEAD, pusher: 'lilei', ignored: null });
    const failed = { ...pipeline, object_attributes: { ...(pipeline.object_attributes as object), status: 'failed' } };
    expect(readGitLab('Pipeline Hook', failed).ignored).toBe('pipeline failed: only a pipeline that succeeded releases');
    const tagged = { ...pipeline, object_attributes: { ...(pipeline.object_attributes as object), ref: 'v2.3.0', tag: true } };
    expect(readGitLab('Pipeline Hook', tagged)).toMatchObject({ ref: 'v2.3.0', refKind: 'tag' });
  });

  it('reads GitHub\'s and Gitee\'s pushes from their head_commit', () => {
    expect(readGitHub('push', fixture('github-push'))).toMatchObject({ trigger: 'push', ref: 'main', commit: '0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c', message: 'Ship the new checkout (DEVOPS)', pusher: 'wangfang', ignored: null });
    expect(readGitee('Push Hook', fixture('gitee-push'))).toMatchObject({ trigger: 'push', ref: 'release/2.3', commit: 'c2d1e0a6f0ab4b59a9f4f2a3fe3a4f2f3d8e9b11', message: '发布 2.3 devops', pusher: 'zhangwei', ignored: null });
  });

  it('ignores deletions, empty pushes, odd refs and malformed fields without throwing', () => {
    const push = fixture('gitlab-push');
    expect(readGitLab('Push Hook', { ...push, after: '0'.repeat(40), checkout_sha: null }).ignored).toBe('branch deleted');
    expect(readGitLab('Tag Push Hook', { ...fixture('gitlab-tag-push'), after: '0'.repeat(40), checkout_sha: null }).ignored).toBe('tag deleted');
    expect(readGitLab('Push Hook', { ...push, total_commits_count: 0 }).ignored).toBe('a push without commits');
    expect(readGitLab('Push Hook', { ...push, ref: 'refs/merge-requests/4/head' }).ignored).toBe('the pushed ref is neither a branch nor a tag');
    expect(readGitLab('Push Hook', { ...push, checkout_sha: 'abc', after: 42 }).ignored).toBe('the delivery names no full commit id');
    expect(readGitLab('Push Hook', { ref: ['refs/heads/main'], commits: 'many', user_username: { x: 1 } })).toMatchObject({ trigger: null, pusher: null });
    expect(readGitHub('push', { ...fixture('github-push'), deleted: true, head_commit: null }).ignored).toBe('branch deleted');
    expect(readGitLab('Note Hook', push).ignored).toBe('event "Note Hook" is not one the platform releases on');
    expect(readGitHub('', {}).ignored).toBe('a delivery without an event header is not one the platform releases on');
  });
});
