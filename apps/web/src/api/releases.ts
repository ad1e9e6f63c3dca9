import type { EncodedEvents, FeedMessage, LineGroup } from '@rp/contract/feed';
import type { WsTicketView } from '@rp/contract/live';
import type { RollbackRollout } from '@rp/contract/rules';
import type { CreateReleaseBody, DryRunBody, DryRunPlan, EventView, LogPage, ReleaseQuery, ReleaseView, SettingsChanges } from '@rp/contract/releases';
import { ApiError, http, query } from './http';
import type { ListQuery, Page } from './types';

export { decodeEvents as decodeFeedEvents } from '@rp/contract/feed';
export { RELEASE_STATES, type ReleaseState } from '@rp/contract/release-states';
export type { CreateReleaseBody, DryRunBody, DryRunPlan, SettingsChanges } from '@rp/contract/releases';
export type { FeedMessage };
export type Release = ReleaseView;
/** A release as lists show it: without its servers and progress. */
export type ReleaseSummary = Omit<ReleaseView, 'targets' | 'plannedBatches' | 'progress'>;
export type ReleaseTarget = ReleaseView['targets'][number];
export type ReleaseEvent = EventView;
export type FeedEvents = EncodedEvents;
export type FeedLineGroup = LineGroup;

const one = (id: string) => `/releases/${encodeURIComponent(id)}`;

export function listReleases(params: ListQuery<ReleaseQuery> = {}): Promise<Page<ReleaseSummary>> {
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

/** `overrideWindow`: an administrator retrying outside the environment's release windows (audited). */
export function retryRelease(id: string, overrideWindow = false): Promise<Release> {
  return http.post(`${one(id)}/retry`, overrideWindow ? { overrideWindow } : undefined);
}

/** Queue just before `before`, or at the end of the environment's queue without it. */
export function moveRelease(id: string, before?: string): Promise<Release> {
  return http.post(`${one(id)}/move`, { before });
}

/** Creates a new release of kind `rollback` that switches the servers back to this release. */
/** A rollback to release `id`: of every server it went to, or only `serverIds` (each must have had it). */
/** `rollout`: `parallel` (the API's default: every server at once) or `environment` (its batches and pauses). */
export function rollbackToRelease(id: string, description?: string, overrideWindow = false, serverIds?: string[], rollout?: RollbackRollout): Promise<Release> {
  return http.post(`${one(id)}/rollback`, { description, ...(overrideWindow ? { overrideWindow } : {}), ...(serverIds ? { serverIds } : {}), ...(rollout ? { rollout } : {}) });
}

/** What the project's and environment's settings changed since the release was planned: a retry runs with today's. */
export function getSettingsChanges(id: string): Promise<SettingsChanges> {
  return http.get(`${one(id)}/settings-changes`);
}

/** The API's refusal of a release outside the environment's windows: a 409 that names the windows. */
export function isWindowRefusal(err: unknown): err is ApiError {
  return err instanceof ApiError && err.status === 409 && typeof err.details === 'object' && err.details !== null && 'windows' in err.details;
}

export function listReleaseEvents(id: string, params: { since?: number; limit?: number } = {}): Promise<LogPage> {
  return http.get(`${one(id)}/logs${query({ ...params })}`);
}

/** The whole log as a file; fetched rather than linked because the API reads the token from the header only. */
export function downloadReleaseLogs(id: string): Promise<Blob> {
  return http.blob(`${one(id)}/logs.txt`);
}

/**
 * A single-use ticket for opening the live channel once. Browsers cannot set headers on a WebSocket handshake, and
 * the session token must not travel in a URL (URLs end up in access logs), so each (re)connect asks for one.
 */
export async function issueWsTicket(): Promise<string> {
  return (await http.post<WsTicketView>('/ws-ticket')).ticket;
}

/** The live channel's URL, opened with a ticket from `issueWsTicket()`. */
export function releaseSocketUrl(id: string, since: number, ticket: string, origin: Location = location): string {
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${origin.host}/ws${one(id)}${query({ since, ticket })}`;
}
