import { chmodSync, mkdirSync } from 'node:fs';
import type { StageName } from '@rp/contract/stages';
import type { ReleaseContext, Step } from '../run/context.js';
import { commandSummary, firstLine } from '../run/echo.js';
import { local } from '../run/local-step.js';
import { bwrapArgs, bwrapEnv, SANDBOX_HOME, SANDBOX_WORKSPACE, sandboxPath } from './bwrap-args.js';
import { chownTree, ensureOwned } from './ownership.js';
import { resolveSandbox } from './settings.js';

export interface SandboxedRun {
  stage: StageName;
  /** A shell command line (the build command) or a script file on the host (a hook), run with sh. */
  script: { inline: string } | { file: string };
  /** Host directory the command may write and starts in (the checkout, or the cache itself). */
  workspace: string;
  /** The variables the command is given; PATH, LANG and HOME are added. */
  env: Record<string, string>;
  /** What a failure names as the command, instead of the sandbox's long argument vector. */
  describe: string;
  /** A variable that receives the workspace's path as the command sees it. */
  workspaceVar?: string;
}

const HOOK_INSIDE = '/run/hook.sh';

/**
 * Runs a build command or a checkout hook as configured by `plan.sandbox`: by default in bwrap as an unprivileged
 * uid, seeing only the workspace and the project's cache; with `off`, as the platform's user on the host.
 */
export async function runSandboxed(ctx: ReleaseContext, run: SandboxedRun): Promise<Step> {
  const settings = resolveSandbox(ctx.plan.sandbox);
  const home = ctx.workspace.cache;
  mkdirSync(home, { recursive: true, mode: 0o700 });
  const dropTo = settings.mode === 'bwrap' && process.getuid?.() === 0 ? { uid: settings.uid, gid: settings.gid } : undefined;
  const isolation = settings.mode === 'off' ? 'no sandbox' : `bwrap sandbox${dropTo ? ` as uid ${dropTo.uid}` : ''}`;
  const shown = 'inline' in run.script ? firstLine(run.script.inline, 200) : `sh ${run.script.file}`;
  const echo = commandSummary(shown, [run.describe, isolation, `in ${run.workspace}`], run.env);
  const step = { events: ctx.events, signal: ctx.signal, stage: run.stage, describe: run.describe, timeoutMs: settings.timeoutSeconds * 1000, echo };
  const where = (path: string): Record<string, string> => (run.workspaceVar ? { [run.workspaceVar]: path } : {});
  if (settings.mode === 'off') {
    const command = 'inline' in run.script ? ['-c', run.script.inline] : [run.script.file];
    const env = { PATH: process.env.PATH ?? sandboxPath(), LANG: 'C.UTF-8', ...run.env, HOME: home, ...where(run.workspace) };
    return local('sh', command, { ...step, cwd: run.workspace, env });
  }
  const files = 'file' in run.script ? [{ host: run.script.file, inside: HOOK_INSIDE }] : [];
  if (dropTo) {
    await ensureOwned(home, dropTo.uid, dropTo.gid);
    if (run.workspace !== home) await chownTree(run.workspace, dropTo.uid, dropTo.gid);
    for (const file of files) await chownTree(file.host, dropTo.uid, dropTo.gid);
  }
  chmodSync(home, 0o700);
  const args = bwrapArgs({
    workspace: run.workspace,
    home,
    files,
    env: { PATH: sandboxPath(), LANG: 'C.UTF-8', ...run.env, HOME: SANDBOX_HOME, ...where(SANDBOX_WORKSPACE) },
    network: settings.network,
    dropTo,
    limits: settings,
    command: ['/bin/sh', ...('inline' in run.script ? ['-c', run.script.inline] : [HOOK_INSIDE])],
  });
  // Inside the new pid namespace /proc/1/environ is bwrap's own, so bwrap gets nothing of the platform's environment.
  return local('bwrap', args, { ...step, env: bwrapEnv(), exactEnv: true });
}
