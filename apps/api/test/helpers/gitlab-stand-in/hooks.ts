import type { FastifyInstance } from 'fastify';
import { projectOr404 } from './projects.js';
import { nowIso, type HookRecord, type ProjectRecord, type Store } from './store.js';

type Body = Record<string, unknown>;

const EVENT_FLAGS = [
  'push_events',
  'issues_events',
  'confidential_issues_events',
  'merge_requests_events',
  'tag_push_events',
  'note_events',
  'confidential_note_events',
  'job_events',
  'pipeline_events',
  'wiki_page_events',
  'deployment_events',
  'releases_events',
  'feature_flag_events',
  'enable_ssl_verification',
  'repository_update_events',
] as const;

/** Grape coerces booleans from JSON values and from form strings alike. */
function asBoolean(value: unknown): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'boolean') return value;
  if (value === 'true' || value === '1' || value === 1) return true;
  if (value === 'false' || value === '0' || value === 0) return false;
  return undefined;
}

/** GitLab's URL check for hooks, minus the local-network block (the stand-in's receivers are on 127.0.0.1). */
function urlProblem(url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return 'is blocked: URI is invalid';
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return 'is blocked: Only allowed schemes are http, https';
  if (!parsed.hostname) return 'is blocked: URI is invalid';
  return undefined;
}

/** The API's hook representation: every stored attribute except the write-only token. */
export function hookJson(project: ProjectRecord, hook: HookRecord) {
  const { token: _token, ...visible } = hook;
  return {
    ...visible,
    project_id: project.id,
    alert_status: 'executable',
    disabled_until: null,
    url_variables: [],
    custom_webhook_template: null,
    custom_headers: [],
    resource_access_token_events: false,
    emoji_events: false,
    milestone_events: false,
  };
}

function apply(hook: HookRecord, body: Body): void {
  for (const flag of EVENT_FLAGS) {
    const value = asBoolean(body[flag]);
    if (value !== undefined) hook[flag] = value;
  }
  if (typeof body.url === 'string') hook.url = body.url;
  if (typeof body.token === 'string') hook.token = body.token;
  if (typeof body.name === 'string') hook.name = body.name;
  if (typeof body.description === 'string') hook.description = body.description;
  if (typeof body.push_events_branch_filter === 'string') hook.push_events_branch_filter = body.push_events_branch_filter;
  if (body.branch_filter_strategy === 'wildcard' || body.branch_filter_strategy === 'regex' || body.branch_filter_strategy === 'all_branches') {
    hook.branch_filter_strategy = body.branch_filter_strategy;
  }
}

export function hookRoutes(app: FastifyInstance, store: Store): void {
  const hookOr404 = (project: ProjectRecord, hookId: string) => project.hooks.find((h) => String(h.id) === hookId);

  app.get('/projects/:id/hooks', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    return project?.hooks.map((h) => hookJson(project, h));
  });

  app.post('/projects/:id/hooks', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const body = (request.body ?? {}) as Body;
    if (typeof body.url !== 'string' || body.url === '') return reply.code(400).send({ error: 'url is missing' });
    const problem = urlProblem(body.url);
    if (problem) return reply.code(422).send({ message: { url: [problem] } });
    const hook: HookRecord = {
      id: store.nextId.hook++,
      url: body.url,
      name: '',
      description: '',
      token: undefined,
      push_events: true,
      push_events_branch_filter: '',
      branch_filter_strategy: 'wildcard',
      issues_events: false,
      confidential_issues_events: false,
      merge_requests_events: false,
      tag_push_events: false,
      note_events: false,
      confidential_note_events: false,
      job_events: false,
      pipeline_events: false,
      wiki_page_events: false,
      deployment_events: false,
      releases_events: false,
      feature_flag_events: false,
      enable_ssl_verification: true,
      repository_update_events: false,
      created_at: nowIso(),
    };
    apply(hook, body);
    project.hooks.push(hook);
    return reply.code(201).send(hookJson(project, hook));
  });

  app.get('/projects/:id/hooks/:hookId', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const hook = hookOr404(project, (request.params as { hookId: string }).hookId);
    return hook ? hookJson(project, hook) : reply.code(404).send({ message: '404 Not found' });
  });

  app.put('/projects/:id/hooks/:hookId', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const hook = hookOr404(project, (request.params as { hookId: string }).hookId);
    if (!hook) return reply.code(404).send({ message: '404 Not found' });
    const body = (request.body ?? {}) as Body;
    const problem = typeof body.url === 'string' ? urlProblem(body.url) : undefined;
    if (problem) return reply.code(422).send({ message: { url: [problem] } });
    apply(hook, body);
    return hookJson(project, hook);
  });

  app.delete('/projects/:id/hooks/:hookId', async (request, reply) => {
    const project = projectOr404(store, request, reply);
    if (!project) return;
    const hook = hookOr404(project, (request.params as { hookId: string }).hookId);
    if (!hook) return reply.code(404).send({ message: '404 Not found' });
    project.hooks = project.hooks.filter((h) => h !== hook);
    return reply.code(204).send();
  });
}
