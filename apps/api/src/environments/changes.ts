import { listCommits, PlanValidationError } from '@rp/deploy-engine';
import type { ChangesView } from '@rp/contract/releases';
import { revealSecret } from '../credentials/service.js';
import { gitlabClient } from '../git-platforms/gitlab-client.js';
import type { Db } from '../shared/db.js';
import { BadGateway, Invalid, NotFound } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { gitHostOf, hostProblem, type PrivateHosts } from '../projects/git-policy.js';
import { gitFailureMessage, gitOptionsOf } from '../projects/refs.js';
import { projectGitAccess } from '../projects/service.js';

const LIMIT = 100;

interface Deps {
  db: Db;
  secrets: SecretBox;
  privateHosts: PrivateHosts;
}

/** The commit the environment runs now: its last successful release's, or for a rollback the release it went back to. */
async function runningCommit(db: Db, environmentId: string) {
  const last = await db.release.findFirst({
    where: { environmentId, state: 'succeeded' },
    orderBy: { finishedAt: 'desc' },
    select: { id: true, kind: true, ref: true, commit: true, rollbackToId: true },
  });
  if (!last) return null;
  const shipped = last.kind === 'rollback' && last.rollbackToId ? await db.release.findUnique({ where: { id: last.rollbackToId }, select: { id: true, ref: true, commit: true } }) : last;
  return shipped?.commit ? { commit: shipped.commit, releaseId: shipped.id, ref: shipped.ref } : null;
}

/**
 * What releasing `ref` would change: the commits after the running one. A project linked to a GitLab project asks
 * GitLab's compare API (its commits link to GitLab); any other asks git, fetching only commit objects.
 */
export async function environmentChanges(deps: Deps, { environmentId, ref }: { environmentId: string; ref: string }): Promise<ChangesView> {
  const environment = await deps.db.environment.findUnique({ where: { id: environmentId }, include: { project: { include: { gitPlatform: true } } } });
  if (!environment) throw new NotFound('Environment');
  const { project } = environment;
  const platform = project.gitPlatform?.kind === 'gitlab' && project.remoteProjectId !== null ? project.gitPlatform : null;
  const source = platform ? 'gitlab' : 'git';
  const from = await runningCommit(deps.db, environmentId);
  if (!from) return { ref, from: null, commits: [], truncated: false, source, note: 'Nothing has been released to this environment yet.' };
  const answer = { ref, from, source } as const;

  if (platform && project.remoteProjectId !== null) {
    const problem = await hostProblem(gitHostOf(platform.baseUrl) ?? '', deps.privateHosts);
    if (problem) throw new BadGateway(`Cannot ask ${platform.name}: ${problem}`);
    const { secret } = await revealSecret(deps.db, deps.secrets, platform.credentialId);
    const compare = await gitlabClient(platform.baseUrl, secret, { timeoutMs: 20_000 })
      .Repositories.compare(Number(project.remoteProjectId), from.commit, ref)
      .catch((error: Error) => {
        throw new BadGateway(`${platform.name} could not compare ${from.commit.slice(0, 8)} with ${ref}: ${error.message.replaceAll(secret, '***')}`);
      });
    const commits = [...(compare.commits ?? [])].reverse().map((c) => ({
      sha: String(c.id),
      message: String(c.title ?? ''),
      author: String(c.author_name ?? ''),
      date: String(c.committed_date ?? c.created_at ?? ''),
      webUrl: typeof c.web_url === 'string' ? c.web_url : null,
    }));
    return { ...answer, commits: commits.slice(0, LIMIT), truncated: commits.length > LIMIT, note: null };
  }

  const { access } = await projectGitAccess(deps.db, deps.secrets, project, deps.privateHosts);
  const out = await listCommits(access.gitUrl, { ref, since: from.commit, limit: LIMIT, timeoutMs: 30_000, ...gitOptionsOf(access) }).catch((error: unknown) => {
    if (error instanceof PlanValidationError) throw new Invalid('ref', error.message);
    throw error;
  });
  if (!out.ok) {
    if (out.notFound) throw new Invalid('ref', out.message);
    throw new BadGateway(`Cannot list the changes in ${project.gitUrl}: ${gitFailureMessage(access, out.message)}`);
  }
  const note = out.sinceNotInHistory ? `The running commit ${from.commit.slice(0, 8)} is not in the history of ${ref}: a release would replace it, not add to it.` : null;
  return { ...answer, commits: out.commits.map((c) => ({ ...c, webUrl: null })), truncated: out.truncated, note };
}
