import type { ReleaseContext, Step } from '../run/context.js';
import { local } from '../run/local-step.js';

export async function build(ctx: ReleaseContext): Promise<Step | 'skipped'> {
  const { plan } = ctx;
  const command = plan.build?.command;
  if (!command) return 'skipped';
  const env = { ...plan.build?.env, RELEASE_ID: plan.releaseId, COMMIT: plan.source.commit };
  // The build command is the project's own configured shell command, run as an argument of sh on our host.
  return local('sh', ['-c', command], { events: ctx.events, signal: ctx.signal, stage: 'build', cwd: ctx.workspace.checkout, env });
}
