import { http, query } from './http';
import type { Page, PageQuery } from './types';

export const HOOK_STAGES = ['before-checkout', 'after-checkout', 'before-release', 'after-release'] as const;
export type HookStage = (typeof HOOK_STAGES)[number];

interface Attempts {
  timeoutSeconds: number;
  retries: number;
  intervalSeconds: number;
}

export type HealthCheck = ({ type: 'http'; url: string; expectStatus: number } | { type: 'command'; command: string }) & Attempts;

/** What a create or update may send: attempts fall back to the API's defaults. */
export type HealthCheckInput = ({ type: 'http'; url: string; expectStatus?: number } | { type: 'command'; command: string }) &
  Partial<Attempts>;

export interface Project {
  id: string;
  groupId: string;
  name: string;
  description: string;
  gitUrl: string;
  gitCredentialId: string | null;
  preset: string;
  buildCommand: string;
  artifactPaths: string[];
  sharedDirs: string[];
  sharedFiles: string[];
  keepReleases: number;
  restartCommand: string;
  healthCheck: HealthCheck | null;
  hooks: Partial<Record<HookStage, string>>;
  environmentCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface ProjectQuery extends PageQuery {
  q?: string;
  groupId?: string;
}

interface ProjectFields {
  description?: string;
  gitUrl: string;
  gitCredentialId?: string | null;
  preset: string;
  buildCommand?: string;
  artifactPaths?: string[];
  sharedDirs?: string[];
  sharedFiles?: string[];
  keepReleases?: number;
  restartCommand?: string;
  healthCheck?: HealthCheckInput | null;
}

export interface CreateProjectBody extends ProjectFields {
  groupId: string;
  name: string;
  hooks?: Partial<Record<HookStage, string>>;
}

/** `hooks` merges: a stage set to null is removed, stages left out stay as they are. */
export interface UpdateProjectBody extends Partial<ProjectFields> {
  name?: string;
  hooks?: Partial<Record<HookStage, string | null>>;
}

export interface Preset {
  id: string;
  label: string;
  description: string;
  buildCommand: string;
  artifactPaths: string[];
  sharedDirs: string[];
  sharedFiles: string[];
  restartCommand: string;
  healthCheck: HealthCheck | null;
}

export interface GitRef {
  name: string;
  sha: string;
}

export interface GitCommit {
  sha: string;
  /** The first line of the commit message. */
  message: string;
  author: string;
  /** ISO time the commit was made (committer date). */
  date: string;
}

export interface ProjectCommits {
  /** The branch or tag the commits were listed from (the default branch when none was asked for). */
  ref: string;
  commits: GitCommit[];
  fetchedAt: string;
}

export interface ProjectRefs {
  branches: GitRef[];
  tags: GitRef[];
  fetchedAt: string;
}

const one = (id: string) => `/projects/${encodeURIComponent(id)}`;

export function listPresets(): Promise<{ items: Preset[] }> {
  return http.get('/project-presets');
}

export function listProjects(params: ProjectQuery = {}): Promise<Page<Project>> {
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
export function listProjectCommits(id: string, params: { ref?: string; limit?: number; refresh?: boolean } = {}): Promise<ProjectCommits> {
  return http.get(`${one(id)}/commits${query({ ref: params.ref, limit: params.limit, refresh: params.refresh || undefined })}`);
}
