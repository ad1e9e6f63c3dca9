import { http, query } from './http';
import type { Page, PageQuery, RolloutSpec } from './types';

export const RELEASE_STATES = [
  'pending_approval',
  'approved',
  'rejected',
  'queued',
  'running',
  'paused',
  'succeeded',
  'failed',
  'aborted',
  'interrupted',
  'cancelled',
] as const;
export type ReleaseState = (typeof RELEASE_STATES)[number];

export interface ReleaseTarget {
  serverId: string;
  serverName: string;
  host: string;
  /** pending, running, succeeded, failed, rolled_back, aborted, skipped */
  state: string;
  stage: string | null;
  previous: string | null;
  current: string | null;
  error: string | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface ReleaseSummary {
  id: string;
  kind: 'release' | 'rollback';
  state: ReleaseState;
  projectId: string;
  projectName: string;
  groupId: string;
  environmentId: string;
  environmentName: string;
  ref: string;
  commit: string;
  description: string;
  rollout: RolloutSpec;
  rollbackToId: string | null;
  createdBy: string;
  approvedBy: string | null;
  approvedAt: string | null;
  reviewComment: string;
  abortRequested: boolean;
  queuedAt: string | null;
  scheduledAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  createdAt: string;
  error: string | null;
  lastSeq: number;
}

export interface Release extends ReleaseSummary {
  targets: ReleaseTarget[];
  progress: { percent: number; etaSeconds: number | null };
}

export interface ReleaseEvent {
  seq: number;
  at: string;
  /** log, stage.started, stage.finished, batch.*, target.failed, rollback.*, release.* … */
  type: string;
  stage: string | null;
  /** The server id for per-target events. */
  target: string | null;
  stream: string | null;
  text: string | null;
  data: unknown;
}

/**
 * How log lines travel on the live channel: grouped by (stage, target, stream) as `[seq, epochMs, text]` rows,
 * a quarter of the bytes of one object per line. Other events travel whole.
 */
export interface FeedLineGroup {
  stage: string | null;
  target: string | null;
  stream: string | null;
  /** First seq, then each line's difference from the one before. */
  seq: number[];
  /** First epoch ms, then differences. */
  at: number[];
  text: string[];
}

export interface FeedEvents {
  events: ReleaseEvent[];
  lines: FeedLineGroup[];
}

export type FeedMessage =
  | ({ type: 'snapshot'; release: Release; more: boolean } & FeedEvents)
  | ({ type: 'events' } & FeedEvents)
  | { type: 'release'; release: Release };

/** One list ordered by seq, log lines back in the shape `GET /logs` returns them. */
export function decodeFeedEvents({ events, lines }: FeedEvents): ReleaseEvent[] {
  const out = [...events];
  for (const group of lines) {
    let seq = 0;
    let atMs = 0;
    group.text.forEach((text, i) => {
      seq = i === 0 ? (group.seq[0] ?? 0) : seq + (group.seq[i] ?? 0);
      atMs = i === 0 ? (group.at[0] ?? 0) : atMs + (group.at[i] ?? 0);
      out.push({ seq, at: new Date(atMs).toISOString(), type: 'log', stage: group.stage, target: group.target, stream: group.stream, text, data: null });
    });
  }
  return out.sort((a, b) => a.seq - b.seq);
}

export interface ReleaseQuery extends PageQuery {
  projectId?: string;
  environmentId?: string;
  state?: ReleaseState;
  createdBy?: string;
  /** ISO date-time bounds on when the release was created (inclusive from, exclusive to). */
  createdFrom?: string;
  createdTo?: string;
}

export interface CreateReleaseBody {
  environmentId: string;
  ref: string;
  description?: string;
  rollout?: RolloutSpec;
  serverIds?: string[];
  autoStart?: boolean;
  scheduledAt?: string;
  overrideWindow?: boolean;
}

export type DryRunBody = Pick<CreateReleaseBody, 'environmentId' | 'ref' | 'rollout' | 'serverIds'>;

export interface PlannedCommand {
  stage: string;
  command: string;
  /** What the command reads on its standard input (the artifact, a hook script). */
  stdin?: string;
}

/** The exact commands a release would run, without connecting anywhere. */
export interface DryRunPlan {
  commit: string;
  /** Stands in for the id the release gets when it is created (it appears in paths). */
  releaseIdPlaceholder: string;
  /** Server ids per batch, in rollout order. */
  batches: string[][];
  global: PlannedCommand[];
  targets: { serverId: string; serverName: string; host: string; commands: PlannedCommand[] }[];
}

export interface LogPage {
  events: ReleaseEvent[];
  lastSeq: number;
  more: boolean;
}

const one = (id: string) => `/releases/${encodeURIComponent(id)}`;

export function listReleases(params: ReleaseQuery = {}): Promise<Page<ReleaseSummary>> {
  return http.get(`/releases${query({ ...params })}`);
}

export function dryRunRelease(body: DryRunBody): Promise<DryRunPlan> {
  return http.post('/releases/dry-run', body);
}

export function createRelease(body: CreateReleaseBody): Promise<Release> {
  return http.post('/releases', body);
}

export function getRelease(id: string): Promise<Release> {
  return http.get(one(id));
}

export function approveRelease(id: string, comment?: string): Promise<Release> {
  return http.post(`${one(id)}/approve`, { comment });
}

export function rejectRelease(id: string, comment?: string): Promise<Release> {
  return http.post(`${one(id)}/reject`, { comment });
}

export function startRelease(id: string): Promise<Release> {
  return http.post(`${one(id)}/start`);
}

export function cancelRelease(id: string): Promise<Release> {
  return http.post(`${one(id)}/cancel`);
}

export function continueRelease(id: string): Promise<Release> {
  return http.post(`${one(id)}/continue`);
}

export function abortRelease(id: string): Promise<Release> {
  return http.post(`${one(id)}/abort`);
}

export function retryRelease(id: string): Promise<Release> {
  return http.post(`${one(id)}/retry`);
}

/** Queue just before `before`, or at the end of the environment's queue without it. */
export function moveRelease(id: string, before?: string): Promise<Release> {
  return http.post(`${one(id)}/move`, { before });
}

/** Creates a new release of kind `rollback` that switches the servers back to this release. */
export function rollbackToRelease(id: string, description?: string): Promise<Release> {
  return http.post(`${one(id)}/rollback`, { description });
}

export function listReleaseEvents(id: string, params: { since?: number; limit?: number } = {}): Promise<LogPage> {
  return http.get(`${one(id)}/logs${query({ ...params })}`);
}

/** The whole log as a file; fetched rather than linked because the API reads the token from the header only. */
export function downloadReleaseLogs(id: string): Promise<Blob> {
  return http.blob(`${one(id)}/logs.txt`);
}

/** The live channel's URL; browsers cannot set headers on a WebSocket handshake, hence the token in the query. */
export function releaseSocketUrl(id: string, since: number, token: string | null, origin: Location = location): string {
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${origin.host}/ws${one(id)}${query({ since, token })}`;
}
