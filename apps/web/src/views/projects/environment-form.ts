import type { AutoReleaseEvent, AutoReleaseInput, AutoReleaseView } from '@rp/contract/auto-release';
import { DEFAULT_AUTO_RELEASE, globMatches, HOOK_SCRIPT_MAX, REF_PATTERN_CHARS } from '@rp/contract/rules';
import type { CreateEnvironmentBody, Environment, ReleasePolicy, ReleaseWindow, VariableInput } from '@/api/environments';
import type { RolloutSpec } from '@/api/types';
import { parseBatches } from '@/utils/rollout';

/** Limits of the API's environment schemas, so the form refuses what the API would. */
export const ENV_LIMITS = {
  name: 64,
  deployPath: 1024,
  servers: 500,
  variables: 200,
  key: 128,
  value: 16_384,
  concurrency: { min: 1, max: 500 },
  seconds: { min: 0, max: 86_400 },
  tolerate: { min: 0, max: 10_000 },
  windows: 50,
  named: 100,
  refPattern: 100,
  globs: 20,
  keyword: 64,
  script: HOOK_SCRIPT_MAX,
  drain: { min: 0, max: 3600 },
} as const;

export const DEPLOY_PATH = /^\/[A-Za-z0-9._@+=:,/-]+$/;
export const VARIABLE_KEY = /^[A-Z_][A-Z0-9_]*$/;
export const TIME = /^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$/;
/** A ref rule's glob: what the API's schema accepts. */
export const REF_PATTERN = new RegExp(REF_PATTERN_CHARS);

export type Strategy = RolloutSpec['strategy'];

const copyRule = (rule: AutoReleaseView): AutoReleaseView => ({ ...rule, events: [...rule.events], branches: [...rule.branches], tags: [...rule.tags] });

/** The order the form lists the events in, which the body keeps so an unchanged rule is sent unchanged. */
export const AUTO_RELEASE_EVENTS: readonly AutoReleaseEvent[] = ['push', 'tag_push', 'pipeline'];

export interface VariableRow {
  key: string;
  /** What the user typed; for a stored secret '' means "keep the stored value". */
  value: string;
  secret: boolean;
  /** The key a stored secret had when the form opened; only that secret can be kept without retyping it. */
  storedSecretKey: string | null;
}

export interface WindowRow {
  days: number[];
  start: string;
  end: string;
}

export interface EnvironmentForm {
  name: string;
  deployPath: string;
  serverIds: string[];
  variables: VariableRow[];
  strategy: Strategy;
  concurrency: number;
  batches: string;
  between: 'auto' | 'manual';
  seconds: number;
  tolerate: number;
  autoRollback: boolean;
  requireApproval: boolean;
  rollbackNeedsApproval: boolean;
  releaseWindows: WindowRow[];
  timezone: string;
  releasers: ReleasePolicy['releasers'];
  releaserIds: string[];
  approvers: ReleasePolicy['approvers'];
  approverIds: string[];
  refKind: ReleasePolicy['refPolicy']['kind'];
  /** The ref rule's glob; '' for none. */
  refPattern: string;
  customRollout: ReleasePolicy['customRollout'];
  autoRelease: AutoReleaseView;
  /** Run on each target before its switch to take it out of the load balancer; '' for never. */
  offlineScript: string;
  onlineScript: string;
  drainSeconds: number;
  /** Labels every selected server carries (`role=web,zone=a`); '' for none. */
  serverSelector: string;
}

/** The zone of the browser filling in the form: release windows are mostly planned in the planner's local time. */
export function browserTimeZone(): string {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'Asia/Shanghai';
}

export function emptyEnvironmentForm(timezone = browserTimeZone()): EnvironmentForm {
  return {
    name: '',
    deployPath: '',
    serverIds: [],
    variables: [],
    strategy: 'parallel',
    concurrency: 5,
    batches: '1, 25%, 100%',
    between: 'manual',
    seconds: 60,
    tolerate: 0,
    autoRollback: true,
    requireApproval: false,
    rollbackNeedsApproval: false,
    releaseWindows: [],
    timezone,
    releasers: 'developers',
    releaserIds: [],
    approvers: 'owners',
    approverIds: [],
    refKind: 'any',
    refPattern: '',
    customRollout: 'everyone',
    autoRelease: copyRule(DEFAULT_AUTO_RELEASE),
    offlineScript: '',
    onlineScript: '',
    drainSeconds: 0,
    serverSelector: '',
  };
}

export function environmentFormOf(env: Environment): EnvironmentForm {
  const rollout = env.rollout;
  const between = rollout.betweenBatches;
  return {
    name: env.name,
    deployPath: env.deployPath,
    serverIds: env.servers.map((s) => s.id),
    // A secret's value never reaches the browser: the row starts empty and the field shows it is set.
    variables: env.variables.map((v) => ({ key: v.key, value: v.secret ? '' : v.value, secret: v.secret, storedSecretKey: v.secret ? v.key : null })),
    strategy: (['parallel', 'serial', 'batches'] as const).find((s) => s === rollout.strategy) ?? 'parallel',
    concurrency: rollout.concurrency,
    batches: rollout.batches.length ? rollout.batches.join(', ') : '1, 25%, 100%',
    between: between.mode,
    seconds: between.mode === 'auto' ? between.seconds : 60,
    tolerate: rollout.failure.tolerate,
    autoRollback: rollout.autoRollback,
    requireApproval: env.requireApproval,
    rollbackNeedsApproval: env.rollbackNeedsApproval,
    releaseWindows: env.releaseWindows.map((w) => ({ days: [...w.days], start: w.start, end: w.end })),
    timezone: env.timezone,
    releasers: env.policy.releasers,
    releaserIds: [...env.policy.releaserIds],
    approvers: env.policy.approvers,
    approverIds: [...env.policy.approverIds],
    refKind: env.policy.refPolicy.kind,
    refPattern: env.policy.refPolicy.pattern ?? '',
    customRollout: env.policy.customRollout,
    autoRelease: copyRule(env.autoRelease),
    offlineScript: env.offlineScript,
    onlineScript: env.onlineScript,
    drainSeconds: env.drainSeconds,
    serverSelector: env.serverSelector ?? '',
  };
}

/** Whether the row keeps a stored secret it does not resend. */
export const keepsStoredSecret = (row: VariableRow) => row.secret && row.value === '' && row.storedSecretKey !== null && row.storedSecretKey === row.key;

export function variableInput(row: VariableRow): VariableInput {
  const key = row.key.trim();
  if (keepsStoredSecret(row)) return { key, secret: true };
  return { key, value: row.value, secret: row.secret };
}

export function rolloutSpec(form: EnvironmentForm): RolloutSpec {
  const common = { failure: { tolerate: form.tolerate }, autoRollback: form.autoRollback };
  if (form.strategy === 'serial') return { strategy: 'serial', ...common };
  if (form.strategy === 'parallel') return { strategy: 'parallel', concurrency: form.concurrency, ...common };
  return {
    strategy: 'batches',
    concurrency: form.concurrency,
    batches: parseBatches(form.batches) ?? [],
    betweenBatches: form.between === 'manual' ? { mode: 'manual' } : { mode: 'auto', seconds: form.seconds },
    ...common,
  };
}

const sortedDays = (days: number[]) => [...days].sort((a, b) => a - b);

/** The policy as the API takes it: named lists only where "named" is chosen, a pattern only where refs are restricted. */
export function policyInput(form: EnvironmentForm): NonNullable<CreateEnvironmentBody['policy']> {
  const pattern = form.refPattern.trim();
  return {
    releasers: form.releasers,
    ...(form.releasers === 'named' ? { releaserIds: form.releaserIds } : {}),
    approvers: form.approvers,
    ...(form.approvers === 'named' ? { approverIds: form.approverIds } : {}),
    refPolicy: form.refKind === 'any' ? { kind: 'any' } : { kind: form.refKind, ...(pattern ? { pattern } : {}) },
    customRollout: form.customRollout,
  };
}

/** Switching the rule on for the first time starts from the project's default branch, the usual thing to release. */
export function enableAutoRelease(rule: AutoReleaseView, defaultBranch: string | null): void {
  rule.enabled = true;
  if (rule.branches.length === 0 && rule.tags.length === 0) rule.branches = [defaultBranch ?? 'main'];
}

const globList = (globs: string[]) => [...new Set(globs.map((g) => g.trim()).filter((g) => g !== ''))];

/**
 * As the API refuses an enabled rule that could never match: branch pushes need a branch glob, tag pushes a tag glob,
 * and a pipeline either (it runs for a branch or a tag).
 */
export const needsBranches = (rule: Pick<AutoReleaseView, 'events' | 'tags'>) =>
  rule.events.includes('push') || (rule.events.includes('pipeline') && rule.tags.length === 0);
export const needsTags = (rule: Pick<AutoReleaseView, 'events'>) => rule.events.includes('tag_push');

/**
 * The rule as the API takes it, sent whole even when off, so switching it off and on again keeps what was set. A rule
 * switched off with no event ticked is sent with the default event, as the API wants at least one.
 */
export function autoReleaseInput(rule: AutoReleaseView): AutoReleaseInput {
  const events = AUTO_RELEASE_EVENTS.filter((e) => rule.events.includes(e));
  return {
    enabled: rule.enabled,
    events: events.length || rule.enabled ? events : [...DEFAULT_AUTO_RELEASE.events],
    branches: globList(rule.branches),
    tags: globList(rule.tags),
    keyword: rule.keyword.trim(),
    skipMarker: rule.skipMarker.trim(),
    onNewer: rule.onNewer,
  };
}

/** The globs an enabled rule releases on, for the environment list: branches for branch events, tags for tag ones. */
export function autoReleaseGlobs(rule: AutoReleaseView): string[] {
  const has = (e: AutoReleaseEvent) => rule.events.includes(e);
  const branches = has('push') || has('pipeline') ? rule.branches : [];
  const tags = has('tag_push') || has('pipeline') ? rule.tags : [];
  return [...branches, ...tags];
}

/** Which of the rule's globs a branch or tag name matches (the API's matcher), for the form's try-out line. */
export function matchingGlob(globs: readonly string[], name: string): string | null {
  return globs.find((g) => globMatches(g.trim(), name)) ?? null;
}

/** Create and update send the same whole body: lists are replaced as a whole by the API anyway. */
export function environmentBody(form: EnvironmentForm): CreateEnvironmentBody {
  return {
    name: form.name.trim(),
    deployPath: form.deployPath.trim(),
    serverIds: form.serverIds,
    variables: form.variables.map(variableInput),
    rollout: rolloutSpec(form),
    requireApproval: form.requireApproval,
    rollbackNeedsApproval: form.rollbackNeedsApproval,
    releaseWindows: form.releaseWindows.map((w): ReleaseWindow => ({ days: sortedDays(w.days), start: w.start.trim(), end: w.end.trim() })),
    timezone: form.timezone,
    policy: policyInput(form),
    autoRelease: autoReleaseInput(form.autoRelease),
    offlineScript: form.offlineScript,
    onlineScript: form.onlineScript,
    drainSeconds: form.drainSeconds,
    serverSelector: form.serverSelector.trim() || null,
  };
}

/** The API's deploy path checks: absolute, not "/", no "." / ".." / empty segments, none starting with "-". */
export function deployPathOk(raw: string): boolean {
  const path = raw.trim();
  if (path.length < 2 || path.length > ENV_LIMITS.deployPath || !DEPLOY_PATH.test(path)) return false;
  const rest = path.slice(1).replace(/\/+$/, '');
  if (rest === '') return false;
  return !rest.split('/').some((s) => s === '' || s === '.' || s === '..' || s.startsWith('-'));
}

/** Monday first, as Chinese calendars show the week; values stay JavaScript's 0 = Sunday. */
export const WEEK = [1, 2, 3, 4, 5, 6, 0] as const;

/** "Mon–Fri" style runs of consecutive days (Monday first), given the short names of days 0–6. */
export function daysText(days: readonly number[], names: readonly string[], separator: string, rangeMark = '–'): string {
  const ordered = WEEK.filter((d) => days.includes(d));
  const runs: number[][] = [];
  for (const day of ordered) {
    const last = runs.at(-1);
    const prev = last?.at(-1);
    if (last && prev !== undefined && WEEK.indexOf(day as (typeof WEEK)[number]) === WEEK.indexOf(prev as (typeof WEEK)[number]) + 1) last.push(day);
    else runs.push([day]);
  }
  return runs
    .map((run) => {
      const first = names[run[0] ?? 0] ?? '';
      const end = names[run.at(-1) ?? 0] ?? '';
      return run.length > 2 ? `${first}${rangeMark}${end}` : run.map((d) => names[d] ?? '').join(separator);
    })
    .join(separator);
}
