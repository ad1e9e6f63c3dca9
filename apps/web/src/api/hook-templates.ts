import { http, query } from './http';
import type { HookStage } from './projects';
import type { Page, PageQuery } from './types';

export interface HookTemplate {
  id: string;
  /** null: a global template, visible to every group. */
  groupId: string | null;
  name: string;
  description: string;
  script: string;
  createdAt: string;
  updatedAt: string;
}

export interface HookTemplateQuery extends PageQuery {
  q?: string;
  groupId?: string;
  /** true: only global templates; false: only group ones. */
  global?: boolean;
}

/** Either `script` or `fromProject` (save a project's hook as a template), never both. */
export interface CreateHookTemplateBody {
  groupId?: string | null;
  name: string;
  description?: string;
  script?: string;
  fromProject?: { projectId: string; stage: HookStage };
}

export interface UpdateHookTemplateBody {
  name?: string;
  description?: string;
  script?: string;
}

/** The API's limit on a hook script, in characters. */
export const HOOK_SCRIPT_MAX = 64 * 1024;

const one = (id: string) => `/hook-templates/${encodeURIComponent(id)}`;

export function listHookTemplates(params: HookTemplateQuery = {}): Promise<Page<HookTemplate>> {
  return http.get(`/hook-templates${query({ ...params })}`);
}

export function getHookTemplate(id: string): Promise<HookTemplate> {
  return http.get(one(id));
}

export function createHookTemplate(body: CreateHookTemplateBody): Promise<HookTemplate> {
  return http.post('/hook-templates', body);
}

export function updateHookTemplate(id: string, body: UpdateHookTemplateBody): Promise<HookTemplate> {
  return http.patch(one(id), body);
}

export function deleteHookTemplate(id: string): Promise<void> {
  return http.delete(one(id));
}
