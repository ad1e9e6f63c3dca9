import type { Project } from '../generated/prisma/client.js';
import { revealSecret } from '../credentials/service.js';
import { gitlabClient, type GitLabClient } from '../git-platforms/gitlab-client.js';
import type { DbTx } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';
import { gitHostOf, hostProblem, type PrivateHosts } from './git-policy.js';

/** At most this many branches or tags are listed from a platform (10 pages of 100). */
const MAX_PAGES = 10;

export interface LinkedGitLab {
  api: GitLabClient;
  remoteId: number;
  /** Part of the cache key: another platform, project or token is another answer. */
  key: string;
  /** The token, so a failure's text can be masked before anyone sees it. */
  secret: string;
}

/** The GitLab API of a project imported from a GitLab platform, or null for any other project (git answers those). */
export async function linkedGitLab(db: DbTx, box: SecretBox, project: Pick<Project, 'gitPlatformId' | 'remoteProjectId'>, privateHosts: PrivateHosts): Promise<LinkedGitLab | null> {
  if (!project.gitPlatformId || project.remoteProjectId === null) return null;
  const platform = await db.gitPlatform.findUnique({ where: { id: project.gitPlatformId } });
  if (platform?.kind !== 'gitlab') return null;
  const problem = await hostProblem(gitHostOf(platform.baseUrl) ?? '', privateHosts);
  if (problem) throw new Error(`the platform's address is refused: ${problem}`);
  const { row, secret } = await revealSecret(db, box, platform.credentialId);
  return {
    api: gitlabClient(platform.baseUrl, secret, { timeoutMs: 20_000 }),
    remoteId: Number(project.remoteProjectId),
    key: `gitlab\n${platform.id}\n${project.remoteProjectId}\n${row.id}@${row.updatedAt.getTime()}`,
    secret,
  };
}

/** Branches and tags from GitLab's API, as `git ls-remote` would list them. */
export async function gitlabRefs({ api, remoteId }: LinkedGitLab) {
  const [branches, tags] = await Promise.all([
    api.Branches.all(remoteId, { perPage: 100, maxPages: MAX_PAGES }),
    api.Tags.all(remoteId, { perPage: 100, maxPages: MAX_PAGES }),
  ]);
  const named = (refs: { name: string; commit: { id: string } }[]) => refs.map((r) => ({ name: r.name, sha: r.commit.id })).sort((a, b) => a.name.localeCompare(b.name));
  return { branches: named(branches as { name: string; commit: { id: string } }[]), tags: named(tags as unknown as { name: string; commit: { id: string } }[]) };
}

/** The newest commits of a ref (the project's default branch when none), with links to GitLab. */
export async function gitlabCommits({ api, remoteId }: LinkedGitLab, { ref, limit }: { ref?: string; limit: number }) {
  const name = ref ?? String((await api.Projects.show(remoteId)).default_branch ?? '');
  const commits = await api.Commits.all(remoteId, { refName: name, perPage: limit, maxPages: 1 });
  return {
    ref: name,
    commits: commits.slice(0, limit).map((c) => ({
      sha: String(c.id),
      message: String(c.title ?? ''),
      author: String(c.author_name ?? ''),
      date: String(c.committed_date ?? c.created_at ?? ''),
      webUrl: typeof c.web_url === 'string' ? c.web_url : null,
    })),
  };
}
