import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Target } from '../types.js';
import { OK, type ReleaseContext, type Step } from '../run/context.js';
import { runRemoteScript, scriptEnv } from '../run/scripts.js';
import { runSandboxed } from '../sandbox/sandbox.js';

/**
 * Checkout hooks run from a file (the script text is never a command line) in the build's sandbox. Before checkout
 * the hook works in the project's persistent cache (its HOME); after checkout, in the fresh checkout.
 */
export async function runLocalHook(ctx: ReleaseContext, name: 'before-checkout' | 'after-checkout'): Promise<Step | 'skipped'> {
  const { plan, workspace: ws } = ctx;
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  mkdirSync(ws.hooks, { recursive: true });
  const file = join(ws.hooks, `${name}.sh`);
  writeFileSync(file, script, { mode: 0o700 });
  const env = { RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit, PROJECT: plan.project };
  const common = { stage: `hook:${name}`, script: { file }, env, describe: `${name} hook` } as const;
  if (name === 'before-checkout') return runSandboxed(ctx, { ...common, workspace: ws.cache });
  return runSandboxed(ctx, { ...common, workspace: ws.checkout, workspaceVar: 'CHECKOUT_PATH' });
}

export async function runRemoteHook(ctx: ReleaseContext, target: Target, name: 'before-release' | 'after-release', cwd: string): Promise<Step | 'skipped'> {
  const { plan } = ctx;
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  const out = await runRemoteScript(ctx, target, `hook:${name}`, name, script, cwd, scriptEnv(plan.project, target, plan.releaseId, { COMMIT: plan.source.commit }));
  return out.ok ? OK : out;
}
