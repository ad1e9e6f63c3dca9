import { engineError } from '../errors.js';
import type { StageName } from '../events.js';
import {
  cleanupCommand,
  hasArtifactCommand,
  layout,
  parseKeyValues,
  readCurrentCommand,
  releaseCommand,
  switchCommand,
  uploadCommand,
  type HistoryEntry,
} from '../remote/commands.js';
import type { TargetResult } from '../result.js';
import type { Artifact, ReleasePlan, Target } from '../types.js';
import { OK, remote, runStage, type RunContext, type Step } from './context.js';
import { currentToId } from './current.js';
import { healthcheck } from './healthcheck.js';
import type { TargetPrep } from './run.js';
import { runRemoteScript, scriptEnv } from './scripts.js';

/** Failure of one target: which stage, and why. */
export interface TargetFailure {
  stage: StageName;
  error: Extract<Step, { ok: false }>['error'];
}

export async function readCurrent(ctx: RunContext, target: Target, stage: StageName): Promise<{ ok: true; id: string | null } | { ok: false; error: TargetFailure['error'] }> {
  const out = await remote(ctx, target, stage, readCurrentCommand(target.deployPath).text, { quiet: true, uninterruptible: true, timeoutMs: 15_000 });
  return out.ok ? { ok: true, id: currentToId(out.out.stdout) } : out;
}

function historyEntry(ctx: RunContext, from: string | null, to: string, kind: HistoryEntry['kind']): HistoryEntry {
  return { releaseId: ctx.plan.releaseId, from, to, at: new Date().toISOString(), actor: ctx.plan.actor ?? 'unknown', kind };
}

const sawSwitch = (stdout: string) => stdout.split('\n').includes('switched');

/**
 * Restarts the service of a freshly switched release. Runs without the abort signal: once the switch happened the
 * restart belongs to it, otherwise an abort could leave new code linked but the old process serving.
 */
async function restart(ctx: RunContext, target: Target, stage: StageName, releaseId: string, from: string | null): Promise<Step> {
  const script = ctx.plan.restartCommand;
  if (!script) return OK;
  const cwd = layout(target.deployPath).release(releaseId);
  const env = scriptEnv(ctx.plan.project, target, releaseId, from ? { PREVIOUS_RELEASE_ID: from } : {});
  const restarted = await runRemoteScript(ctx, target, stage, 'restart', script, cwd, env, { uninterruptible: true });
  return restarted.ok ? OK : restarted;
}

/** Switches `current` to a release already on the host, then restarts (rollback plans and automatic rollback). */
export async function switchAndRestart(ctx: RunContext, target: Target, stage: StageName, toReleaseId: string, from: string | null, kind: HistoryEntry['kind']): Promise<Step> {
  const result = ctx.results.get(target.id);
  const switched = await remote(ctx, target, stage, switchCommand(target.deployPath, toReleaseId, historyEntry(ctx, from, toReleaseId, kind)).text, {
    uninterruptible: true,
    timeoutMs: 30_000,
  });
  if (switched.out && sawSwitch(switched.out.stdout) && result && kind !== 'auto-rollback') result.switched = true;
  if (!switched.ok) return switched;
  return restart(ctx, target, stage, toReleaseId, from);
}

async function upload(ctx: RunContext, target: Target, artifact: Artifact, prep: TargetPrep): Promise<Step | 'skipped'> {
  let present = prep.artifactPresent;
  if (present === undefined) {
    const check = await remote(ctx, target, 'upload', hasArtifactCommand(target.deployPath, artifact.sha256).text, { quiet: true });
    if (!check.ok) return check;
    present = check.out.stdout.trim() === 'present';
  }
  if (present) {
    ctx.events.emit({ type: 'log', stage: 'upload', target: target.id, stream: 'stdout', text: `artifact ${artifact.sha256} already on host; not uploading` });
    return 'skipped';
  }
  if (prep.freeBytes !== undefined && prep.freeBytes < 2 * artifact.size) {
    return { ok: false, error: engineError('disk-space', `${target.deployPath} has ${prep.freeBytes} bytes free, needs ${2 * artifact.size} (2× artifact)`, target.id) };
  }
  const sent = await remote(ctx, target, 'upload', uploadCommand(target.deployPath, artifact.sha256, ctx.plan.releaseId).text, { stdin: { file: artifact.path } });
  if (sent.ok) return OK;
  if (sent.error.kind === 'exec' && sent.error.exitCode === 65) {
    return { ok: false, error: engineError('checksum-mismatch', `artifact checksum mismatch on host: ${sent.error.stderrTail.trim()}`, target.id) };
  }
  return sent;
}

async function hook(ctx: RunContext, plan: ReleasePlan, target: Target, name: 'before-release' | 'after-release', cwd: string): Promise<Step | 'skipped'> {
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  const out = await runRemoteScript(ctx, target, `hook:${name}`, name, script, cwd, scriptEnv(plan.project, target, plan.releaseId, { COMMIT: plan.source.commit }));
  return out.ok ? OK : out;
}

/** Unpacks, links shared paths and switches in one command, then restarts. */
async function release(ctx: RunContext, plan: ReleasePlan, target: Target, artifact: Artifact, prep: TargetPrep, result: TargetResult): Promise<Step> {
  // Re-deploying the release that is already current must not make it its own "previous".
  const previous = prep.current === plan.releaseId ? null : prep.current;
  const unpack = { releaseId: plan.releaseId, sha256: artifact.sha256, sharedDirs: plan.sharedDirs ?? [], sharedFiles: plan.sharedFiles ?? [] };
  // Nothing after this point listens to the abort signal: the switch and the restart belong together.
  if (ctx.signal?.aborted) return { ok: false, error: engineError('aborted', 'run aborted before the switch', target.id) };
  const out = await remote(ctx, target, 'release', releaseCommand(target.deployPath, unpack, historyEntry(ctx, previous, plan.releaseId, 'release')).text, {
    uninterruptible: true,
  });
  if (out.out && sawSwitch(out.out.stdout)) {
    result.switched = true;
    result.previous = previous;
  }
  if (!out.ok) return out;
  return restart(ctx, target, 'release', plan.releaseId, previous);
}

async function cleanup(ctx: RunContext, plan: ReleasePlan, target: Target, artifact: Artifact, result: TargetResult): Promise<Step> {
  const protect = [plan.releaseId, result.previous].filter((x): x is string => Boolean(x));
  const out = await remote(
    ctx,
    target,
    'cleanup',
    cleanupCommand(target.deployPath, { keep: Math.max(plan.keepReleases ?? 5, 1), protect, keepSha256: artifact.sha256, releaseId: plan.releaseId }).text,
  );
  if (!out.ok) return out;
  result.current = currentToId(parseKeyValues(out.out.stdout).get('current') ?? '');
  return OK;
}

/**
 * The per-target half of a release: upload, hook, release (unpack + switch + restart), health check, hook,
 * cleanup. Returns the failing stage so the rollout can tell a failed health check from other failures.
 */
export async function deployTarget(ctx: RunContext, plan: ReleasePlan, target: Target, artifact: Artifact, prep: TargetPrep): Promise<TargetFailure | undefined> {
  const result = ctx.results.get(target.id) as TargetResult;
  const l = layout(target.deployPath);
  const stages: [StageName, () => Promise<Step | 'skipped'>][] = [
    ['upload', () => upload(ctx, target, artifact, prep)],
    ['hook:before-release', () => hook(ctx, plan, target, 'before-release', l.root)],
    ['release', () => release(ctx, plan, target, artifact, prep, result)],
    ['healthcheck', () => healthcheck(ctx, target, plan.releaseId, plan.healthcheck)],
    ['hook:after-release', () => hook(ctx, plan, target, 'after-release', l.release(plan.releaseId))],
    ['cleanup', () => cleanup(ctx, plan, target, artifact, result)],
  ];
  for (const [stage, body] of stages) {
    if (ctx.signal?.aborted) return { stage, error: engineError('aborted', 'run aborted', target.id) };
    const step = await runStage(ctx, stage, target, body);
    if (!step.ok) return { stage, error: step.error };
  }
  return undefined;
}
