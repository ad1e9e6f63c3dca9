import { checkBatchSizes } from './batches.js';
import type { PlanCommon, ReleasePlan, RollbackPlan } from './types.js';
import {
  Problems,
  checkCommitSha,
  checkDeployPath,
  checkEnvName,
  checkGitUrl,
  checkHookName,
  checkProjectName,
  checkRelativePath,
  checkReleaseId,
} from './validate.js';

function validateCommon(plan: PlanCommon, problems: Problems): void {
  problems.add(checkReleaseId(plan.releaseId), 'releaseId');
  problems.add(checkProjectName(plan.project), 'project');
  if (plan.targets.length === 0) problems.list.push('targets: a plan needs at least one target');
  const ids = new Set<string>();
  const places = new Set<string>();
  for (const target of plan.targets) {
    const where = `target ${JSON.stringify(target.id)}`;
    if (ids.has(target.id)) problems.list.push(`${where}: duplicate target id`);
    ids.add(target.id);
    problems.add(checkDeployPath(target.deployPath), where);
    const place = `${target.server.host}:${target.server.port ?? 22}:${target.deployPath}`;
    // Two targets on one deploy path would fight over its lock and its `current` link.
    if (places.has(place)) problems.list.push(`${where}: another target already uses ${place}`);
    places.add(place);
    for (const name of Object.keys(target.env ?? {})) problems.add(checkEnvName(name), `${where} env`);
  }
  if (plan.rollout.kind === 'batches') {
    const bad = checkBatchSizes(plan.rollout.sizes);
    if (bad) problems.list.push(`rollout: ${bad}`);
    if (plan.rollout.between?.mode === 'auto' && !(plan.rollout.between.delaySeconds >= 0)) problems.list.push('rollout: delaySeconds must be ≥ 0');
  }
  if ('concurrency' in plan.rollout && plan.rollout.concurrency !== undefined && !(plan.rollout.concurrency >= 1)) {
    problems.list.push('rollout: concurrency must be ≥ 1');
  }
  const url = plan.healthcheck?.url;
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (url !== undefined && (!/^https?:\/\/[^\s]+$/.test(url) || /[\0-\x1f\x7f]/.test(url))) {
    problems.list.push(`healthcheck.url ${JSON.stringify(url)} must be an http(s) URL without whitespace`);
  }
  const drain = plan.traffic?.drainSeconds;
  if (drain !== undefined && !(drain >= 0)) problems.list.push('traffic: drainSeconds must be ≥ 0');
  if ((plan.failurePolicy?.tolerate ?? 0) < 0) problems.list.push('failurePolicy: tolerate must be ≥ 0');
}

/** Everything wrong with a release plan, as readable messages; empty means it may run. */
export function validateReleasePlan(plan: ReleasePlan): string[] {
  const problems = new Problems();
  validateCommon(plan, problems);
  problems.add(checkGitUrl(plan.source.gitUrl), 'source.gitUrl');
  problems.add(checkCommitSha(plan.source.commit), 'source.commit');
  if (!plan.workDir.startsWith('/')) problems.list.push('workDir: must be an absolute path');
  for (const name of Object.keys(plan.hooks ?? {})) problems.add(checkHookName(name), 'hooks');
  for (const p of plan.build?.artifactPaths ?? []) problems.add(checkRelativePath(p, 'artifact path'), 'build.artifactPaths');
  for (const p of plan.sharedDirs ?? []) problems.add(checkRelativePath(p, 'shared dir'), 'sharedDirs');
  for (const p of plan.sharedFiles ?? []) problems.add(checkRelativePath(p, 'shared file'), 'sharedFiles');
  for (const name of Object.keys(plan.build?.env ?? {})) problems.add(checkEnvName(name), 'build.env');
  if (plan.keepReleases !== undefined && !(plan.keepReleases >= 1)) problems.list.push('keepReleases: must be ≥ 1');
  const compression = plan.build?.compression;
  if (compression !== undefined && !['gzip', 'zstd', 'none'].includes(compression)) problems.list.push('build.compression: must be gzip, zstd or none');
  return problems.list;
}

export function validateRollbackPlan(plan: RollbackPlan): string[] {
  const problems = new Problems();
  validateCommon(plan, problems);
  problems.add(checkReleaseId(plan.toReleaseId), 'toReleaseId');
  const targetIds = new Set(plan.targets.map((t) => t.id));
  for (const [targetId, releaseId] of Object.entries(plan.keptAs ?? {})) {
    if (!targetIds.has(targetId)) problems.list.push(`keptAs: ${targetId} is not a target`);
    problems.add(checkReleaseId(releaseId), 'keptAs');
  }
  return problems.list;
}
