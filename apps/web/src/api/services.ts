import type { EnvironmentStatus, HostStatusChangePage, HostStatusChangeQuery, MonitorSettings, UpdateMonitorBody } from '@rp/contract/monitoring';
import type { ScaleInQuery, ScaleInResult, ScaleOutResult } from '@rp/contract/scale';
import type { ServiceAction, ServiceEnvironmentResult, ServiceOperationResult, ServicePreview } from '@rp/contract/supervision';
import { http, query } from './http';
import type { ListQuery } from './types';

export type { EnvironmentStatus, HostStatusChangeView, HostStatusView, MonitorSettings, UpdateMonitorBody } from '@rp/contract/monitoring';
export type { ScaleInResult, ScaleOutResult } from '@rp/contract/scale';
export type {
  ServiceAction,
  ServiceConfig,
  ServiceEnvironmentResult,
  ServiceOperationResult,
  ServicePreview,
  ServiceStopSignal,
} from '@rp/contract/supervision';
export type { ServiceManager } from '@rp/contract/rules';
export { SERVICE_MANAGERS } from '@rp/contract/rules';

/** What one host's service can be asked besides the actions: `status` only reads. */
export type HostServiceOperation = ServiceAction | 'status';

const env = (id: string) => `/environments/${encodeURIComponent(id)}`;
const host = (environmentId: string, serverId: string) => `${env(environmentId)}/servers/${encodeURIComponent(serverId)}`;

/** The service files and commands a release would install on the environment's hosts. */
export function getServicePreview(projectId: string, environmentId: string): Promise<ServicePreview> {
  return http.get(`/projects/${encodeURIComponent(projectId)}/service-preview${query({ environmentId })}`);
}

/** A host that cannot be reached answers `ok: false` too: only a refusal of the request itself throws. */
export function operateHostService(environmentId: string, serverId: string, operation: HostServiceOperation): Promise<ServiceOperationResult> {
  return http.post(`${host(environmentId, serverId)}/service/${operation}`);
}

export function getHostServiceLogs(environmentId: string, serverId: string, lines: number): Promise<ServiceOperationResult> {
  return http.get(`${host(environmentId, serverId)}/service/logs${query({ lines })}`);
}

/** The socket that follows one host's service log, opened with a ticket from `issueWsTicket()`. */
export function serviceLogSocketUrl(environmentId: string, serverId: string, lines: number, ticket: string, origin: Location = location): string {
  const scheme = origin.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${origin.host}/ws${host(environmentId, serverId)}/service/logs${query({ lines, ticket })}`;
}

export function operateEnvironmentService(environmentId: string, action: ServiceAction): Promise<ServiceEnvironmentResult> {
  return http.post(`${env(environmentId)}/service/${action}`);
}

export function getEnvironmentStatus(environmentId: string): Promise<EnvironmentStatus> {
  return http.get(`${env(environmentId)}/status`);
}

export function listStatusChanges(environmentId: string, params: ListQuery<HostStatusChangeQuery> = {}): Promise<HostStatusChangePage> {
  return http.get(`${env(environmentId)}/status/changes${query({ ...params })}`);
}

export function updateMonitor(environmentId: string, body: UpdateMonitorBody): Promise<MonitorSettings> {
  return http.patch(`${env(environmentId)}/monitor`, body);
}

/** Scale out: the servers join the environment and a release deploys its current version to them. */
export function addEnvironmentServers(environmentId: string, serverIds: string[]): Promise<ScaleOutResult> {
  return http.post(`${env(environmentId)}/servers`, { serverIds });
}

/** Scale in: the host is taken offline, its service stopped, and it leaves the environment. */
export function removeEnvironmentServer(environmentId: string, serverId: string, options: ScaleInQuery = {}): Promise<ScaleInResult> {
  return http.delete(`${host(environmentId, serverId)}${query({ removeFiles: options.removeFiles || undefined, force: options.force || undefined })}`);
}
