import type { StageName } from '@rp/contract/stages';
import { layout, runScriptCommand, writeAndRunScriptCommand, writeScriptCommand } from '../remote/commands.js';
import type { Target } from '../types.js';
import type { RunContext } from './context.js';
import { withLifeline } from './lifeline.js';
import { commandSummary } from './echo.js';
import { remote, type RemoteOptions, type RemoteOutcome } from './remote.js';

/** Variables every remote script sees, then the target's own env (which may override nothing of ours). */
export function scriptEnv(project: string, target: Target, releaseId: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ...target.env,
    ...extra,
    RELEASE_ID: releaseId,
    RELEASE_PATH: layout(target.deployPath).release(releaseId),
    DEPLOY_PATH: layout(target.deployPath).root,
    PROJECT: project,
  };
}

export interface ScriptOptions {
  uninterruptible?: boolean;
  timeoutMs?: number;
  /** Echo the run as a `command` log line (default true); a health check echoes its first attempt only. */
  echo?: boolean;
  outputTo?: RemoteOptions['outputTo'];
}

/**
 * Uploads a script through stdin into `.platform/scripts/<run>/<name>.sh` and runs it with `sh`. The text travels as
 * data, so quotes, `$()` or newlines in a hook cannot change the command line around it. The run is echoed by the
 * script's path, user, directory and variable names: the script's text and the variables' values stay out of the log.
 */
export async function runRemoteScript(
  ctx: RunContext,
  target: Target,
  stage: StageName,
  name: string,
  script: string,
  cwd: string,
  env: Record<string, string>,
  { echo = true, ...options }: ScriptOptions = {},
): Promise<RemoteOutcome> {
  const runId = ctx.plan.releaseId;
  const file = `${layout(target.deployPath).scripts(runId)}/${name}.sh`;
  const run: RemoteOptions = echo ? { ...options, echo: commandSummary(`sh ${file}`, [`as ${target.server.username}`, `in ${cwd}`], env) } : options;
  // A step that must finish once begun (the restart after a switch) outlives us, and needs no lifeline on its
  // stdin: the script arrives there and is written and run in one round trip.
  if (options.uninterruptible) return remote(ctx, target, stage, writeAndRunScriptCommand(target.deployPath, runId, name, cwd, env).text, { stdin: script, ...run });
  const write = await remote(ctx, target, stage, writeScriptCommand(target.deployPath, runId, name).text, { stdin: script, quiet: true, ...options });
  if (!write.ok) return write;
  const command = runScriptCommand(target.deployPath, runId, name, cwd, env, { stopsWithCaller: true }).text;
  return withLifeline((stdin) => remote(ctx, target, stage, command, { ...run, stdin }));
}
