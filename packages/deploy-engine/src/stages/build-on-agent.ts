import { spawn } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { PassThrough } from 'node:stream';
import { agentBuildCommand, agentCleanupCommand, agentLayout, agentReceiveCommand, agentSendCommand } from '../remote/commands.js';
import type { ReleaseContext, Step } from '../run/context.js';
import { commandSummary, firstLine, shellLine } from '../run/echo.js';
import { withLifeline } from '../run/lifeline.js';
import { execOn, type RemoteOptions } from '../run/remote.js';
import { artifactPathsOf, buildEnvOf } from '../run/workspace.js';
import type { ServerSpec } from '../types.js';

const TAR_ENV = { PATH: '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };

/**
 * Builds on a build agent instead of the platform host: the checkout travels to the agent as a tar stream, the build
 * command runs there in a directory of its own with a cleared environment, and only the artifact paths come back into
 * the local checkout, which the package stage then packs as usual. The agent sees nothing but that checkout.
 */
export async function buildOnAgent(ctx: ReleaseContext, agent: ServerSpec): Promise<Step | 'skipped'> {
  const { plan, workspace: ws } = ctx;
  const command = plan.build?.command;
  if (!command) return 'skipped';
  const conn = await ctx.pool.get(agent);
  if (!conn.ok) return { ok: false, error: conn.error };
  const { project, releaseId } = plan;
  const agentExec = (text: string, options: RemoteOptions = {}) => execOn(ctx, conn.connection, undefined, 'build', text, options);
  const build = `~/${agentLayout(project, releaseId).build}`;
  const on = `on ${agent.username}@${agent.host}`;
  try {
    const pack = spawn('tar', ['-cf', '-', '-C', ws.checkout, '.'], { env: TAR_ENV, stdio: ['ignore', 'pipe', 'ignore'] });
    // Handed over as is, a child's stdout socket reached the SSH channel as zero bytes here; through a plain stream
    // it arrives whole.
    const received = await agentExec(agentReceiveCommand(project, releaseId).text, {
      stdin: pack.stdout.pipe(new PassThrough()),
      quiet: true,
      echo: `tar -xf - -C ${build} (the checkout on stdin, ${on})`,
    });
    if (!received.ok) return received;
    // The same wall-clock limit as a build on the platform host, not the per-command one meant for quick steps.
    const timeoutMs = (plan.sandbox?.timeoutSeconds ?? 3600) * 1000;
    const env = buildEnvOf(plan);
    const echo = commandSummary(firstLine(command, 200), ['build command', on, `in ${build}`], env);
    const built = await withLifeline((stdin) => agentExec(agentBuildCommand(project, releaseId, command, env).text, { stdin, timeoutMs, echo }));
    if (!built.ok) return built;
    rmSync(ws.checkout, { recursive: true, force: true });
    mkdirSync(ws.checkout, { recursive: true });
    const unpack = spawn('tar', ['-xf', '-', '-C', ws.checkout], { env: TAR_ENV, stdio: ['pipe', 'ignore', 'pipe'] });
    const unpacked = new Promise<number | null>((resolve) => unpack.once('close', resolve));
    let unpackErr = '';
    unpack.stderr.on('data', (chunk: Buffer) => (unpackErr = (unpackErr + chunk.toString()).slice(-2000)));
    const paths = artifactPathsOf(plan);
    const sent = await agentExec(agentSendCommand(project, releaseId, paths).text, {
      stdoutTo: (chunk) => unpack.stdin.write(chunk),
      echo: `${shellLine(['tar', '-cf', '-', '-C', build, '--', ...paths])} (${on}, unpacked into the checkout)`,
    });
    unpack.stdin.end();
    const unpackExit = await unpacked;
    if (!sent.ok) return sent;
    if (unpackExit !== 0) return { ok: false, error: { kind: 'exec', command: "tar -x (the agent's build output)", exitCode: unpackExit, stderrTail: unpackErr, durationMs: 0 } };
    return { ok: true };
  } finally {
    await agentExec(agentCleanupCommand(project, releaseId).text, { quiet: true, uninterruptible: true });
  }
}
