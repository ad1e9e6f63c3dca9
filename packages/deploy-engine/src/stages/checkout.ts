import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { engineError } from '../errors.js';
import { withGitAuth } from '../git/askpass.js';
import { GIT_SAFETY_ARGS, type GitAuth } from '../git/git.js';
import { runLocal } from '../local.js';
import { OK, type ReleaseContext, type Step } from '../run/context.js';
import { shellLine, withoutUserinfo } from '../run/echo.js';
import { local, type LocalStepOptions } from '../run/local-step.js';

/** Echoed without the safety and credential options every call carries, and without a URL's userinfo. */
const gitWith = (auth: GitAuth) => (args: string[], o: LocalStepOptions) =>
  local('git', [...GIT_SAFETY_ARGS, ...auth.args, ...args], { echo: shellLine(['git', ...args.map(withoutUserinfo)]), ...o, env: { ...auth.env, ...o.env } });

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
  const say = (text: string) => ctx.events.emit({ type: 'log', stage: 'checkout', stream: 'stdout', text });
  const url = withoutUserinfo(plan.source.gitUrl);
  if (!existsSync(join(ws.mirror, 'HEAD'))) {
    mkdirSync(ws.mirror, { recursive: true });
    const init = await git(['init', '--bare', '--quiet', ws.mirror], step);
    if (!init.ok) return init;
  }
  // Quiet, then summarised: git's own report is a line per ref, thousands for a repository with many tags.
  const before = await refsOf(ws.mirror);
  const fetch = await git(['-C', ws.mirror, 'fetch', '--quiet', '--prune', '--force', '--', plan.source.gitUrl, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*'], step);
  if (!fetch.ok) return fetch;
  say(`fetched ${url}: ${refChanges(before, await refsOf(ws.mirror))}`);
  const commitRef = `${plan.source.commit}^{commit}`;
  let has = await runLocal('git', ['-C', ws.mirror, 'cat-file', '-e', commitRef]);
  if (has.exitCode !== 0) {
    await git(['-C', ws.mirror, 'fetch', '--quiet', '--', plan.source.gitUrl, plan.source.commit], step);
    has = await runLocal('git', ['-C', ws.mirror, 'cat-file', '-e', commitRef]);
    if (has.exitCode !== 0) return { ok: false, error: engineError('invalid-plan', `commit ${plan.source.commit} does not exist in ${url}`) };
  }
  say(await describeCommit(ws.mirror, plan.source.commit));
  rmSync(ws.checkout, { recursive: true, force: true });
  mkdirSync(ws.checkout, { recursive: true });
  const tarPath = `${ws.checkout}.tar`;
  const archive = await git(['-C', ws.mirror, 'archive', '--format=tar', `--output=${tarPath}`, plan.source.commit], step);
  if (!archive.ok) return archive;
  const unpack = await local('tar', ['-xf', tarPath, '-C', ws.checkout], { ...step, echo: shellLine(['tar', '-xf', tarPath, '-C', ws.checkout]) });
  rmSync(tarPath, { force: true });
  return unpack.ok ? OK : unpack;
}

/** `commit <sha>: <subject> (<author>, <date>)`: what the operator checks the release against. */
async function describeCommit(mirror: string, commit: string): Promise<string> {
  const shown = await runLocal('git', ['-C', mirror, 'show', '-s', '--format=%H%x1f%s%x1f%an%x1f%cI', `${commit}^{commit}`]);
  const [sha, subject, author, date] = shown.stdout.trim().split('\x1f');
  if (shown.exitCode !== 0 || !sha) return `commit ${commit}`;
  return `commit ${sha}: ${subject ?? ''} (${author ?? '?'}, ${date ?? '?'})`;
}

async function refsOf(mirror: string): Promise<Map<string, string>> {
  const listed = await runLocal('git', ['-C', mirror, 'for-each-ref', '--format=%(objectname) %(refname)']);
  const refs = new Map<string, string>();
  for (const line of listed.stdout.split('\n')) {
    const space = line.indexOf(' ');
    if (space > 0) refs.set(line.slice(space + 1), line.slice(0, space));
  }
  return refs;
}

const NAMED = 5;
const shortRef = (ref: string) => ref.replace(/^refs\/(heads|tags)\//, '');

/** `2 new (v1.2, v1.3), 1 updated (main); 40 unchanged`, or `up to date (41 refs)`. */
function refChanges(before: Map<string, string>, after: Map<string, string>): string {
  const added = [...after.keys()].filter((ref) => !before.has(ref));
  const updated = [...after.keys()].filter((ref) => before.has(ref) && before.get(ref) !== after.get(ref));
  const deleted = [...before.keys()].filter((ref) => !after.has(ref));
  const unchanged = after.size - added.length - updated.length;
  const parts = (
    [
      ['new', added],
      ['updated', updated],
      ['deleted', deleted],
    ] as const
  )
    .filter(([, refs]) => refs.length > 0)
    .map(([what, refs]) => `${refs.length} ${what} (${refs.slice(0, NAMED).map(shortRef).join(', ')}${refs.length > NAMED ? ', …' : ''})`);
  return parts.length ? `${parts.join(', ')}; ${unchanged} unchanged` : `up to date (${after.size} refs)`;
}
