import type {
  CreateEnvironmentBody,
  EnvironmentQuery,
  EnvironmentView,
  UpdateEnvironmentBody,
  WindowStatus,
} from '@rp/contract/environments';
import type { ChangesView, IssuedTrigger, TriggerStatus, TriggerView, VersionMatrix } from '@rp/contract/releases';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { CreateEnvironmentBody, VariableInput, WindowStatus } from '@rp/contract/environments';
export type { ChangesView, TriggerView, VersionMatrix } from '@rp/contract/releases';
export type Environment = EnvironmentView;
export type ReleaseWindow = EnvironmentView['releaseWindows'][number];
export type ReleasePolicy = EnvironmentView['policy'];

const one = (id: string) => `/environments/${encodeURIComponent(id)}`;

export function listEnvironments(projectId: string, params: ListQuery<EnvironmentQuery> = {}): Promise<Page<Environment>> {
  return http.get(`/projects/${encodeURIComponent(projectId)}/environments${query({ ...params })}`);
}

export function createEnvironment(projectId: string, body: CreateEnvironmentBody): Promise<Environment> {
  return http.post(`/projects/${encodeURIComponent(projectId)}/environments`, body);
}

export function getEnvironment(id: string): Promise<Environment> {
  return http.get(one(id));
}

export function updateEnvironment(id: string, body: UpdateEnvironmentBody): Promise<Environment> {
  return http.patch(one(id), body);
}

export function deleteEnvironment(id: string): Promise<void> {
  return http.delete(one(id));
}

/** Whether a release may start now under the environment's release windows. */
export function getWindowStatus(id: string): Promise<WindowStatus> {
  return http.get(`${one(id)}/window-status`);
}

export function getVersionMatrix(environmentId: string, check = false): Promise<VersionMatrix> {
  return http.get(`${one(environmentId)}/versions${query({ check: check || undefined })}`);
}

/** The commits a release of `ref` would add to what the environment runs now (its last successful release). */
export function getEnvironmentChanges(environmentId: string, ref: string): Promise<ChangesView> {
  return http.get(`${one(environmentId)}/changes${query({ ref })}`);
}

/** The environment's trigger token details, or null when none is issued. */
export function getTrigger(environmentId: string): Promise<TriggerView | null> {
  return http.get<TriggerStatus>(`${one(environmentId)}/trigger-token`).then((r) => r.trigger);
}

export function issueTrigger(environmentId: string, defaultRef: string): Promise<IssuedTrigger> {
  return http.post(`${one(environmentId)}/trigger-token`, { defaultRef });
}

export function revokeTrigger(environmentId: string): Promise<void> {
  return http.delete(`${one(environmentId)}/trigger-token`);
}
