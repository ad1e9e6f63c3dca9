import type { StageName } from '@rp/contract/stages';
import { GIT_SAFETY_ARGS } from './git/git.js';
import { formatFor, tarCreateArgs, type ArtifactFormat } from './artifact-format.js';
import { artifactPathsOf, buildEnvOf, findCachedArtifact, packingNames, workspace } from './run/workspace.js';
import { scriptEnv } from './run/scripts.js';
import { expandUrl } from './stages/healthcheck.js';
import { validateReleasePlan } from './plan-validation.js';
import {
  agentBuildCommand,
  agentCleanupCommand,
  agentReceiveCommand,
  agentSendCommand,
  cleanupCommand,
  httpCheckCommand,
  layout,
  prepareCommand,
  releaseCommand,
  runScriptCommand,
  uploadCommand,
  writeAndRunScriptCommand,
  writeScriptCommand,
} from './remote/commands.js';
import { shellLine } from './run/echo.js';
import type { ReleasePlan, Target } from './types.js';

export interface PlannedCommand {
  stage: StageName;
  command: string;
  /** What travels on stdin (a script's name or the artifact), never part of the command line. */
  stdin?: string;
}

export type DryRunResult =
  | { ok: true; artifactSha256: string; global: PlannedCommand[]; targets: Record<string, PlannedCommand[]> }
  | { ok: false; problems: string[] };

const ARTIFACT_PLACEHOLDER = 'ARTIFACT_SHA256';

/**
 * The commands a release would run, per target, on the happy path, built by the same functions the pipeline uses.
 * No connection is made. Until an artifact exists its checksum is shown as ARTIFACT_SHA256. Timestamps in history
 * lines are those of the moment of the dry run, `from` is unknown (null) and the lock owner has no expiry.
 */
export function dryRun(plan: ReleasePlan): DryRunResult {
  const problems = validateReleasePlan(plan);
  if (problems.length) return { ok: false, problems };
  const ws = workspace(plan);
  const cached = findCachedArtifact(plan, ws);
  const sha = cached?.sha256 ?? ARTIFACT_PLACEHOLDER;
  // Shown as the project asks; at run time zstd falls back to gzip unless the platform and every target have it.
  const format = cached?.format ?? formatFor(plan.build?.compression, true);
  const git = (args: string[]) => shellLine(['git', ...GIT_SAFETY_ARGS, ...args]);
  const global: PlannedCommand[] = [];
  if (plan.hooks?.['before-checkout'] !== undefined) global.push({ stage: 'hook:before-checkout', command: shellLine(['sh', `${ws.hooks}/before-checkout.sh`]) });
  global.push(
    { stage: 'checkout', command: git(['-C', ws.mirror, 'fetch', '--quiet', '--prune', '--force', '--', plan.source.gitUrl, '+refs/heads/*:refs/heads/*', '+refs/tags/*:refs/tags/*']) },
    { stage: 'checkout', command: git(['-C', ws.mirror, 'archive', '--format=tar', `--output=${ws.checkout}.tar`, plan.source.commit]) },
  );
  if (plan.hooks?.['after-checkout'] !== undefined) global.push({ stage: 'hook:after-checkout', command: shellLine(['sh', `${ws.hooks}/after-checkout.sh`]) });
  if (plan.build?.command) global.push(...buildCommands(plan, plan.build.command));
  // tar writes the cache entry under the run's name, and the hosts are sent it as it grows (see stages/package.ts).
  global.push(
    { stage: 'package', command: shellLine(['du', '-sk', '--', ...artifactPathsOf(plan)]) },
    { stage: 'package', command: shellLine(['tar', '--force-local', '-cf', packingNames(plan, ws, format).own, ...tarCreateArgs(format), '-C', ws.checkout, '--', ...artifactPathsOf(plan)]) },
  );

  const owner = JSON.stringify({ releaseId: plan.releaseId, instance: plan.instance ?? 'engine' });
  const targets: Record<string, PlannedCommand[]> = {};
  for (const target of plan.targets) targets[target.id] = targetCommands(plan, target, { sha256: sha, format }, owner);
  return { ok: true, artifactSha256: sha, global, targets };
}

/** On a build agent the build is four commands there (in, build, out, clean up); locally one, in the sandbox. */
function buildCommands(plan: ReleasePlan, command: string): PlannedCommand[] {
  if (!plan.build?.agent) return [{ stage: 'build', command: shellLine(['sh', '-c', command]) }];
  return [
    { stage: 'build', command: agentReceiveCommand(plan.project, plan.releaseId).text, stdin: 'checkout (tar)' },
    { stage: 'build', command: agentBuildCommand(plan.project, plan.releaseId, command, buildEnvOf(plan)).text },
    { stage: 'build', command: agentSendCommand(plan.project, plan.releaseId, artifactPathsOf(plan)).text },
    { stage: 'build', command: agentCleanupCommand(plan.project, plan.releaseId).text },
  ];
}

function targetCommands(plan: ReleasePlan, target: Target, artifact: { sha256: string; format: ArtifactFormat }, owner: string): PlannedCommand[] {
  const l = layout(target.deployPath);
  const id = plan.releaseId;
  const list: PlannedCommand[] = [{ stage: 'prepare', command: prepareCommand(target.deployPath, owner).text }];
  list.push({ stage: 'upload', command: uploadCommand(target.deployPath, artifact.format, id).text, stdin: `artifact .${artifact.format}` });
  // As at run time: the restart and `online` (which must finish once begun) are written and run in one command;
  // every other script is written, then run with a lifeline so it dies with the platform.
  const script = (stage: StageName, name: string, cwd: string, env: Record<string, string>) => {
    if (name === 'restart' || name === 'online') {
      list.push({ stage, command: writeAndRunScriptCommand(target.deployPath, id, name, cwd, env).text, stdin: `${name} script` });
      return;
    }
    list.push(
      { stage, command: writeScriptCommand(target.deployPath, id, name).text, stdin: `${name} script` },
      { stage, command: runScriptCommand(target.deployPath, id, name, cwd, env, { stopsWithCaller: true }).text },
    );
  };
  if (plan.hooks?.['before-release'] !== undefined) script('hook:before-release', 'before-release', l.root, scriptEnv(plan.project, target, id, { COMMIT: plan.source.commit }));
  const traffic = plan.traffic;
  if (traffic?.offline) {
    script('offline', 'offline', l.root, scriptEnv(plan.project, target, id));
    // The drain is a wait on the platform, not a command on the target: shown as a shell comment.
    if (traffic.drainSeconds) list.push({ stage: 'offline', command: `# drain: wait ${traffic.drainSeconds} s before the switch` });
  }
  const unpack = { releaseId: id, sha256: artifact.sha256, sharedDirs: plan.sharedDirs ?? [], sharedFiles: plan.sharedFiles ?? [] };
  const history = { releaseId: id, from: null, to: id, at: new Date().toISOString(), actor: plan.actor ?? 'unknown', kind: 'release' as const };
  list.push({ stage: 'release', command: releaseCommand(target.deployPath, unpack, history).text });
  if (plan.restartCommand) script('release', 'restart', l.release(id), scriptEnv(plan.project, target, id));
  const hc = plan.healthcheck;
  if (hc?.url) list.push({ stage: 'healthcheck', command: httpCheckCommand(expandUrl(hc.url, target.env), Math.max(1, Math.ceil((hc.timeoutMs ?? 5000) / 1000))).text });
  else if (hc?.command) script('healthcheck', 'healthcheck', l.release(id), scriptEnv(plan.project, target, id));
  if (traffic?.offline && traffic.online) script('online', 'online', l.root, scriptEnv(plan.project, target, id));
  if (plan.hooks?.['after-release'] !== undefined) script('hook:after-release', 'after-release', l.release(id), scriptEnv(plan.project, target, id, { COMMIT: plan.source.commit }));
  list.push({
    stage: 'cleanup',
    command: cleanupCommand(target.deployPath, { keep: Math.max(plan.keepReleases ?? 5, 1), protect: [id], releaseId: id }).text,
  });
  return list;
}
