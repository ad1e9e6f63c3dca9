import { engineError } from '../errors.js';
import type { StageName } from '../events.js';
import {
  hasArtifactCommand,
  layout,
  listReleasesCommand,
  pruneIncomingCommand,
  readCurrentCommand,
  removePathsCommand,
  switchCommand,
  unpackCommand,
  uploadCommand,
  type HistoryEntry,
} from '../remote/commands.js';
import type { TargetResult } from '../result.js';
import type { Artifact, ReleasePlan, Target } from '../types.js';
import { artifactStream } from './artifact.js';
import { OK, remote, runStage, type RunContext, type Step } from './context.js';
import { healthcheck } from './healthcheck.js';
import { releaseLock } from './lock.js';
import { runRemoteScript, scriptEnv } from './scripts.js';

/** Failure of one target: which stage, and why. */
export interface TargetFailure {
  stage: StageName;
  error: Extract<Step, { ok: false }>['error'];
}

export function currentToId(link: string): string | null {
  const match = /(?:^|\/)releases\/([^/]+)\/?$/.exec(link.trim());
  return match?.[1] ?? null;
}

export async function readCurrent(ctx: RunContext, target: Target, stage: StageName): Promise<{ ok: true; id: string | null } | { ok: false; error: TargetFailure['error'] }> {
  const out = await remote(ctx, target, stage, readCurrentCommand(target.deployPath).text, { quiet: true, uninterruptible: true, timeoutMs: 15_000 });
  return out.ok ? { ok: true, id: currentToId(out.out.stdout) } : out;
}

function historyEntry(ctx: RunContext, from: string | null, to: string, kind: HistoryEntry['kind']): HistoryEntry {
  return { releaseId: ctx.plan.releaseId, from, to, at: new Date().toISOString(), actor: ctx.plan.actor ?? 'unknown', kind };
}

/**
 * Switches `current` to `toReleaseId` and restarts. Both run without the abort signal: once the switch is under
 * way the restart belongs to it, otherwise an abort could leave new code linked but the old process serving.
 */
export async function switchAndRestart(ctx: RunContext, target: Target, stage: StageName, toReleaseId: string, from: string | null, kind: HistoryEntry['kind']): Promise<Step> {
  const result = ctx.results.get(target.id);
  const switched = await remote(ctx, target, stage, switchCommand(target.deployPath, toReleaseId, historyEntry(ctx, from, toReleaseId, kind)).text, {
    uninterruptible: true,
    timeoutMs: 30_000,
  });
  if (!switched.ok) return switched;
  if (result && kind !== 'auto-rollback') result.switched = true;
  const restart = ctx.plan.restartCommand;
  if (!restart) return OK;
  const cwd = layout(target.deployPath).release(toReleaseId);
  const env = scriptEnv(ctx.plan.project, target, toReleaseId, from ? { PREVIOUS_RELEASE_ID: from } : {});
  const restarted = await runRemoteScript(ctx, target, stage, 'restart', restart, cwd, env, { uninterruptible: true });
  return restarted.ok ? OK : restarted;
}

async function upload(ctx: RunContext, target: Target, artifact: Artifact, freeBytes: number | undefined): Promise<Step | 'skipped'> {
  const present = await remote(ctx, target, 'upload', hasArtifactCommand(target.deployPath, artifact.sha256).text, { quiet: true });
  if (!present.ok) return present;
  if (present.out.stdout.trim() === 'present') {
    ctx.events.emit({ type: 'log', stage: 'upload', target: target.id, stream: 'stdout', text: `artifact ${artifact.sha256} already on host; not uploading` });
    return 'skipped';
  }
  if (freeBytes !== undefined && freeBytes < 2 * artifact.size) {
    return { ok: false, error: engineError('disk-space', `${target.deployPath} has ${freeBytes} bytes free, needs ${2 * artifact.size} (2× artifact)`, target.id) };
  }
  const sent = await remote(ctx, target, 'upload', uploadCommand(target.deployPath, artifact.sha256).text, { stdin: artifactStream(artifact) });
  if (sent.ok) return OK;
  if (sent.error.kind === 'exec' && sent.error.exitCode === 65) {
    return { ok: false, error: engineError('checksum-mismatch', `artifact checksum mismatch on host: ${sent.error.stderrTail.trim()}`, target.id) };
  }
  return sent;
}

async function hook(ctx: RunContext, plan: ReleasePlan, target: Target, name: 'before-release' | 'after-release', cwd: string): Promise<Step | 'skipped'> {
  const script = plan.hooks?.[name];
  if (script === undefined) return 'skipped';
  const out = await runRemoteScript(ctx, target, `hook:${name}`, name, script, cwd, scriptEnv(ctx.plan.project, target, plan.releaseId, { COMMIT: plan.source.commit }));
  return out.ok ? OK : out;
}

/** Keeps the newest N releases plus whatever `current` and the previous release are; removes leftovers of crashed runs. */
async function cleanup(ctx: RunContext, plan: ReleasePlan, target: Target, artifact: Artifact, previous: string | null): Promise<Step> {
  const l = layout(target.deployPath);
  const listed = await remote(ctx, target, 'cleanup', listReleasesCommand(target.deployPath).text, { quiet: true });
  if (!listed.ok) return listed;
  const keep = Math.max(plan.keepReleases ?? 5, 1);
  const protect = new Set([plan.releaseId, previous].filter((x): x is string => Boolean(x)));
  const names = listed.out.stdout.split('\n').map((s) => s.trim()).filter(Boolean);
  const whole = names.filter((n) => !n.endsWith('.partial'));
  const doomed = [...names.filter((n) => n.endsWith('.partial') && !protect.has(n.replace(/\.partial$/, ''))), ...whole.slice(keep).filter((n) => !protect.has(n))];
  if (doomed.length) {
    const paths = doomed.flatMap((n) => [l.release(n), ...(n.endsWith('.partial') ? [] : [l.scripts(n)])]);
    ctx.events.emit({ type: 'log', stage: 'cleanup', target: target.id, stream: 'stdout', text: `removing old releases: ${doomed.join(', ')}` });
    const removed = await remote(ctx, target, 'cleanup', removePathsCommand(paths).text);
    if (!removed.ok) return removed;
  }
  const pruned = await remote(ctx, target, 'cleanup', pruneIncomingCommand(target.deployPath, artifact.sha256).text);
  if (!pruned.ok) return pruned;
  return releaseLock(ctx, target, 'cleanup');
}

/**
 * The per-target half of a release: upload, hook, unpack + switch + restart, health check, hook, cleanup.
 * Returns the failing stage so the rollout can tell a failed health check (rollback-worthy) from other failures.
 */
export async function deployTarget(ctx: RunContext, plan: ReleasePlan, target: Target, artifact: Artifact, freeBytes: number | undefined): Promise<TargetFailure | undefined> {
  const result = ctx.results.get(target.id) as TargetResult;
  const l = layout(target.deployPath);
  const stages: [StageName, () => Promise<Step | 'skipped'>][] = [
    ['upload', () => upload(ctx, target, artifact, freeBytes)],
    ['hook:before-release', () => hook(ctx, plan, target, 'before-release', l.root)],
    [
      'release',
      async () => {
        const unpacked = await remote(
          ctx,
          target,
          'release',
          unpackCommand(target.deployPath, { releaseId: plan.releaseId, sha256: artifact.sha256, sharedDirs: plan.sharedDirs ?? [], sharedFiles: plan.sharedFiles ?? [] }).text,
        );
        if (!unpacked.ok) return unpacked;
        const before = await readCurrent(ctx, target, 'release');
        if (!before.ok) return before;
        // Re-deploying the release that is already current must not make it its own "previous".
        result.previous = before.id === plan.releaseId ? result.previous : before.id;
        if (ctx.signal?.aborted) return { ok: false, error: engineError('aborted', 'run aborted before the switch', target.id) };
        return switchAndRestart(ctx, target, 'release', plan.releaseId, result.previous, 'release');
      },
    ],
    ['healthcheck', () => healthcheck(ctx, target, plan.releaseId, plan.healthcheck)],
    ['hook:after-release', () => hook(ctx, plan, target, 'after-release', l.release(plan.releaseId))],
    ['cleanup', () => cleanup(ctx, plan, target, artifact, result.previous)],
  ];
  for (const [stage, body] of stages) {
    if (ctx.signal?.aborted) return { stage, error: engineError('aborted', 'run aborted', target.id) };
    const step = await runStage(ctx, stage, target, body);
    if (!step.ok) return { stage, error: step.error };
  }
  return undefined;
}
