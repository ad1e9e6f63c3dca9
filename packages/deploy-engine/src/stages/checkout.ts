import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { engineError } from '../errors.js';
import { withGitAuth } from '../git/askpass.js';
import { GIT_SAFETY_ARGS, type GitAuth } from '../git/git.js';
import { runLocal } from '../local.js';
import { OK, type ReleaseContext, type Step } from '../run/context.js';
import { local, type LocalStepOptions } from '../run/local-step.js';

const gitWith = (auth: GitAuth) => (args: string[], o: LocalStepOptions) => local('git', [...GIT_SAFETY_ARGS, ...auth.args, ...args], { ...o, env: { ...auth.env, ...o.env } });

/**
 * Fetches into a bare mirror kept per project, then exports exactly `commit` with `git archive`: the tree is the
 * commit's, never whatever a branch points at now. Commits no branch or tag reaches are fetched by sha as a fallback.
 */
export async function checkout(ctx: ReleaseContext): Promise<Step> {
  return withGitAuth(ctx.plan.source.gitCredential, (auth) => checkoutWith(ctx, gitWith(auth)));
}

async function checkoutWith(ctx: ReleaseContext, git: ReturnType<typeof gitWith>): Promise<Step> {
  const { plan, workspace: ws } = ctx;
  const step = { events: ctx.events, signal: ctx.signal, stage: 'checkout' as const };
  if (!existsSync(join(ws.mirror, 'HEAD'))) {
    mkdirSync(ws.mirror, { recursive: true });
    const init = await git(['init', '--bare', '--quiet', ws.mirror], step);
    if (!init.ok) return init;
  }
  const fetch = await git(['-C', ws.mirror, 'fetch', '--quiet', '--prune', '--force', '--', plan.source.gitUrl, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'], step);
  if (!fetch.ok) return fetch;
  const commitRef = `${plan.source.commit}^{commit}`;
  let has = await runLocal('git', ['-C', ws.mirror, 'cat-file', '-e', commitRef]);
  if (has.exitCode !== 0) {
    await git(['-C', ws.mirror, 'fetch', '--quiet', '--', plan.source.gitUrl, plan.source.commit], step);
    has = await runLocal('git', ['-C', ws.mirror, 'cat-file', '-e', commitRef]);
    if (has.exitCode !== 0) return { ok: false, error: engineError('invalid-plan', `commit ${plan.source.commit} does not exist in ${plan.source.gitUrl}`) };
  }
  rmSync(ws.checkout, { recursive: true, force: true });
  mkdirSync(ws.checkout, { recursive: true });
  const tarPath = `${ws.checkout}.tar`;
  const archive = await git(['-C', ws.mirror, 'archive', '--format=tar', `--output=${tarPath}`, plan.source.commit], step);
  if (!archive.ok) return archive;
  const unpack = await local('tar', ['-xf', tarPath, '-C', ws.checkout], step);
  rmSync(tarPath, { force: true });
  return unpack.ok ? OK : unpack;
}

