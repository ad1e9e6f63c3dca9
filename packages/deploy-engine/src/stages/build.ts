import type { ReleaseContext, Step } from '../run/context.js';
import { buildEnvOf } from '../run/workspace.js';
import { runSandboxed } from '../sandbox/sandbox.js';

export async function build(ctx: ReleaseContext): Promise<Step | 'skipped'> {
  const { plan } = ctx;
  const command = plan.build?.command;
  if (!command) return 'skipped';
  // The project's own shell command (or whatever its repository's scripts do): sandboxed, never with our rights.
  return runSandboxed(ctx, { stage: 'build', script: { inline: command }, workspace: ctx.workspace.checkout, env: buildEnvOf(plan), describe: 'build command' });
}
