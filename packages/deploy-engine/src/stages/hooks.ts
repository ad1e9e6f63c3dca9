import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HookName, Target } from '../types.js';
import { OK, type ReleaseContext, type Step } from '../run/context.js';
import { local } from '../run/local-step.js';
import { runRemoteScript, scriptEnv } from '../run/scripts.js';

/** Global hooks run on the platform host from a file, like remote hooks; the script text is never a command line. */
export async function runLocalHook(ctx: ReleaseContext, name: HookName, cwd: string): Promise<Step | 'skipped'> {
  const { plan, workspace: ws } = ctx;
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  mkdirSync(ws.hooks, { recursive: true });
  const file = join(ws.hooks, `${name}.sh`);
  writeFileSync(file, script, { mode: 0o700 });
  mkdirSync(cwd, { recursive: true });
  const env = { RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit, PROJECT: plan.project, CHECKOUT_PATH: ws.checkout };
  return local('sh', [file], { events: ctx.events, signal: ctx.signal, stage: `hook:${name}`, cwd, env });
}

export async function runRemoteHook(ctx: ReleaseContext, target: Target, name: 'before-release' | 'after-release', cwd: string): Promise<Step | 'skipped'> {
  const { plan } = ctx;
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  const out = await runRemoteScript(ctx, target, `hook:${name}`, name, script, cwd, scriptEnv(plan.project, target, plan.releaseId, { COMMIT: plan.source.commit }));
  return out.ok ? OK : out;
}
