import type {
  CommitsQuery,
  CommitsView,
  CreateProjectBody,
  PresetView,
  ProjectQuery,
  ProjectView,
  RefsView,
  UpdateProjectBody,
} from '@rp/contract/projects';
import type { HookStage } from '@rp/contract/rules';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export type { CreateProjectBody, HealthCheck, HealthCheckInput, UpdateProjectBody } from '@rp/contract/projects';
export { HOOK_STAGES, type HookStage } from '@rp/contract/rules';
export type Project = ProjectView;
export type Preset = PresetView;
export type ProjectRefs = RefsView;
export type ProjectCommits = CommitsView;

const one = (id: string) => `/projects/${encodeURIComponent(id)}`;

export function listPresets(): Promise<{ items: Preset[] }> {
  return http.get('/project-presets');
}

export function listProjects(params: ListQuery<ProjectQuery> = {}): Promise<Page<Project>> {
  return http.get(`/projects${query({ ...params })}`);
}

export function createProject(body: CreateProjectBody): Promise<Project> {
  return http.post('/projects', body);
}

export function getProject(id: string): Promise<Project> {
  return http.get(one(id));
}

export function updateProject(id: string, body: UpdateProjectBody): Promise<Project> {
  return http.patch(one(id), body);
}

export function deleteProject(id: string): Promise<void> {
  return http.delete(one(id));
}

export function applyHookTemplate(id: string, stage: HookStage, templateId: string): Promise<Project> {
  return http.post(`${one(id)}/hooks/${stage}/apply-template`, { templateId });
}

/** Branches and tags of the repository; the API caches them for 30 s unless `refresh`. */
export function listProjectRefs(id: string, refresh = false): Promise<ProjectRefs> {
  return http.get(`${one(id)}/refs${query({ refresh: refresh || undefined })}`);
}

/** The newest commits of a branch or tag (default: the repository's default branch), newest first. */
export function listProjectCommits(id: string, params: ListQuery<CommitsQuery> = {}): Promise<ProjectCommits> {
  return http.get(`${one(id)}/commits${query({ ref: params.ref, limit: params.limit, refresh: params.refresh || undefined })}`);
}
