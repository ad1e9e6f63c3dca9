import type { CreateHookTemplateBody, HookTemplateQuery, HookTemplateView, UpdateHookTemplateBody } from '@rp/contract/hook-templates';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

export { HOOK_SCRIPT_MAX } from '@rp/contract/rules';
export type HookTemplate = HookTemplateView;

const one = (id: string) => `/hook-templates/${encodeURIComponent(id)}`;

export function listHookTemplates(params: ListQuery<HookTemplateQuery> = {}): Promise<Page<HookTemplate>> {
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
