import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { HookName, ReleasePlan } from '../types.js';
import type { Step } from './context.js';
import { local, type LocalStepOptions } from './local-step.js';
import { workspace } from './workspace.js';

/** Global hooks run on the platform host from a file, like remote hooks; the script text is never a command line. */
export async function runLocalHook(plan: ReleasePlan, name: HookName, cwd: string, o: Omit<LocalStepOptions, 'stage' | 'cwd'>): Promise<Step | 'skipped'> {
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  const ws = workspace(plan);
  mkdirSync(ws.hooks, { recursive: true });
  const file = join(ws.hooks, `${name}.sh`);
  writeFileSync(file, script, { mode: 0o700 });
  mkdirSync(cwd, { recursive: true });
  const env = { RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit, PROJECT: plan.project, CHECKOUT_PATH: ws.checkout };
  return local('sh', [file], { ...o, stage: `hook:${name}`, cwd, env });
}

export async function build(plan: ReleasePlan, o: Omit<LocalStepOptions, 'stage' | 'cwd'>): Promise<Step | 'skipped'> {
  const command = plan.build?.command;
  if (!command) return 'skipped';
  const env = { ...plan.build?.env, RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit };
  // The build command is the project's own configured shell command, run as an argument of sh on our host.
  return local('sh', ['-c', command], { ...o, stage: 'build', cwd: workspace(plan).checkout, env });
}

