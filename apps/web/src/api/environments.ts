import { http, query } from './http';
import type { BetweenBatches, Page, PageQuery, RolloutSpec } from './types';

export interface EnvironmentVariable {
  key: string;
  /** `******` for secrets. */
  value: string;
  secret: boolean;
}

export interface ReleaseWindow {
  /** 0 = Sunday … 6 = Saturday */
  days: number[];
  start: string;
  end: string;
}

export interface Environment {
  id: string;
  projectId: string;
  name: string;
  deployPath: string;
  servers: { id: string; name: string; host: string }[];
  variables: EnvironmentVariable[];
  rollout: {
    strategy: string;
    concurrency: number;
    batches: (number | string)[];
    betweenBatches: BetweenBatches;
    failure: { tolerate: number };
    autoRollback: boolean;
  };
  requireApproval: boolean;
  releaseWindows: ReleaseWindow[];
  timezone: string;
  createdAt: string;
  updatedAt: string;
}

export interface EnvironmentQuery extends PageQuery {
  q?: string;
}

/** A secret sent without a value, or with `******`, keeps its stored value. */
export interface VariableInput {
  key: string;
  value?: string;
  secret?: boolean;
}

export interface CreateEnvironmentBody {
  name: string;
  deployPath: string;
  serverIds?: string[];
  variables?: VariableInput[];
  rollout?: RolloutSpec;
  requireApproval?: boolean;
  releaseWindows?: ReleaseWindow[];
  timezone?: string;
}

/** Lists (servers, variables, windows) are replaced as a whole. */
export type UpdateEnvironmentBody = Partial<CreateEnvironmentBody>;

export interface WindowStatus {
  inside: boolean;
  restricted: boolean;
  timezone: string;
  now: string;
  localTime: string;
  windows: ReleaseWindow[];
}

export interface VersionMatrix {
  environmentId: string;
  deployPath: string;
  checkedAt: string | null;
  servers: {
    serverId: string;
    serverName: string;
    host: string;
    recorded: { releaseId: string; ref: string; commit: string; at: string | null } | null;
    actual: string | null;
    drift: boolean | null;
    error: string | null;
  }[];
}

export interface TriggerView {
  prefix: string;
  defaultRef: string;
  createdBy: string;
  createdAt: string;
  lastUsedAt: string | null;
}

const one = (id: string) => `/environments/${encodeURIComponent(id)}`;

export function listEnvironments(projectId: string, params: EnvironmentQuery = {}): Promise<Page<Environment>> {
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

/** The environment's trigger token details, or null when none is issued. */
export function getTrigger(environmentId: string): Promise<TriggerView | null> {
  return http.get<{ trigger: TriggerView | null }>(`${one(environmentId)}/trigger-token`).then((r) => r.trigger);
}

export function issueTrigger(environmentId: string, defaultRef: string): Promise<{ token: string; trigger: TriggerView }> {
  return http.post(`${one(environmentId)}/trigger-token`, { defaultRef });
}

export function revokeTrigger(environmentId: string): Promise<void> {
  return http.delete(`${one(environmentId)}/trigger-token`);
}
