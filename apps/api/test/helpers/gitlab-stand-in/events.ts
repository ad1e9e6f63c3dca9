import { randomUUID } from 'node:crypto';
import { changedFiles, log, ZERO_SHA, type GitCommit } from './git.js';
import { httpUrlOf, sshUrlOf, webUrlOf } from './projects.js';
import { fullPathOf, type HookRecord, type ProjectRecord, type Store } from './store.js';

/** Push payloads list at most this many commits; `total_commits_count` still says how many there were. */
const PUSH_COMMIT_LIMIT = 20;
const VISIBILITY_LEVEL = { private: 0, internal: 10, public: 20 } as const;

export interface Delivery {
  url: string;
  status: number;
  /** X-Gitlab-Webhook-UUID (and Idempotency-Key) of this delivery. */
  uuid: string;
  /** X-Gitlab-Event-UUID: one per event, the same on a redelivery. */
  eventUuid: string;
  /** GitLab's "Resend request": the same event (same X-Gitlab-Event-UUID and payload) delivered once more. */
  resend(): Promise<Delivery>;
  /** What the receiver answered (GitLab's hook log keeps it too). */
  body: string;
}

/** The project as webhook payloads describe it (GitLab's hook_attrs, including the deprecated url aliases). */
function projectAttrs(store: Store, p: ProjectRecord) {
  return {
    id: p.id,
    name: p.name,
    description: p.description,
    web_url: webUrlOf(store, p),
    avatar_url: null,
    git_ssh_url: sshUrlOf(store, p),
    git_http_url: httpUrlOf(store, p),
    namespace: p.namespace.name,
    visibility_level: VISIBILITY_LEVEL[p.visibility],
    path_with_namespace: fullPathOf(p),
    default_branch: p.defaultBranch,
    ci_config_path: null,
    homepage: webUrlOf(store, p),
    url: sshUrlOf(store, p),
    ssh_url: sshUrlOf(store, p),
    http_url: httpUrlOf(store, p),
  };
}

function repositoryAttrs(store: Store, p: ProjectRecord) {
  return {
    name: p.name,
    url: sshUrlOf(store, p),
    description: p.description,
    homepage: webUrlOf(store, p),
    git_http_url: httpUrlOf(store, p),
    git_ssh_url: sshUrlOf(store, p),
    visibility_level: VISIBILITY_LEVEL[p.visibility],
  };
}

function hookCommit(store: Store, p: ProjectRecord, c: GitCommit) {
  return {
    id: c.id,
    message: c.message,
    title: c.message.split('\n')[0] ?? '',
    timestamp: c.authoredDate,
    url: `${webUrlOf(store, p)}/-/commit/${c.id}`,
    author: { name: c.authorName, email: c.authorEmail },
  };
}

function userFields(store: Store, username: string | undefined) {
  return {
    user_id: store.user.id,
    user_name: username ?? store.user.name,
    user_username: username ?? store.user.username,
    // GitLab sends the pusher's address only when it is public (the hook-event API's recorded example shows null).
    user_email: null,
    user_avatar: null,
  };
}

/**
 * The commits a push introduced, oldest first: `before..after`, or for a new branch the commits not already on the
 * default branch. Only the newest PUSH_COMMIT_LIMIT are listed.
 */
function pushedCommits(p: ProjectRecord, branch: string, before: string, after: string): { listed: GitCommit[]; total: number } {
  const repoDir = p.repoDir ?? '';
  if (after === ZERO_SHA) return { listed: [], total: 0 };
  const range = before !== ZERO_SHA ? [`${before}..${after}`] : branch === p.defaultBranch ? [after] : [after, '--not', `refs/heads/${p.defaultBranch}`];
  const all = log(repoDir, range).reverse();
  return { listed: all.slice(-PUSH_COMMIT_LIMIT), total: all.length };
}

export function pushPayload(store: Store, p: ProjectRecord, o: { branch: string; before: string; after: string; userUsername?: string }) {
  const { listed, total } = pushedCommits(p, o.branch, o.before, o.after);
  return {
    object_kind: 'push',
    event_name: 'push',
    before: o.before,
    after: o.after,
    ref: `refs/heads/${o.branch}`,
    ref_protected: o.branch === p.defaultBranch,
    checkout_sha: o.after === ZERO_SHA ? null : o.after,
    message: null,
    ...userFields(store, o.userUsername),
    project_id: p.id,
    project: projectAttrs(store, p),
    commits: listed.map((c) => ({ ...hookCommit(store, p, c), ...changedFiles(p.repoDir ?? '', c.id) })),
    total_commits_count: total,
    push_options: {},
    repository: repositoryAttrs(store, p),
  };
}

export function tagPushPayload(store: Store, p: ProjectRecord, o: { tag: string; sha: string }) {
  return {
    object_kind: 'tag_push',
    event_name: 'tag_push',
    before: ZERO_SHA,
    after: o.sha,
    ref: `refs/tags/${o.tag}`,
    ref_protected: false,
    checkout_sha: o.sha,
    message: null,
    ...userFields(store, undefined),
    project_id: p.id,
    project: projectAttrs(store, p),
    commits: [],
    total_commits_count: 0,
    push_options: {},
    repository: repositoryAttrs(store, p),
  };
}

/** Pipeline hooks write times as `2016-08-12 15:23:28 UTC`, unlike the API's ISO 8601. */
function hookTime(date: Date): string {
  return `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

let pipelineId = 1000;

export function pipelinePayload(store: Store, p: ProjectRecord, o: { ref: string; sha: string; status: 'success' | 'failed' }) {
  const [commit] = log(p.repoDir ?? '', ['-1', o.sha]);
  const id = pipelineId++;
  const finished = new Date();
  const created = new Date(finished.getTime() - 60_000);
  return {
    object_kind: 'pipeline',
    object_attributes: {
      id,
      iid: id - 999,
      name: null,
      ref: o.ref,
      tag: false,
      sha: o.sha,
      before_sha: commit?.parentIds[0] ?? ZERO_SHA,
      source: 'push',
      status: o.status,
      detailed_status: o.status === 'success' ? 'passed' : 'failed',
      stages: ['build', 'test'],
      created_at: hookTime(created),
      finished_at: hookTime(finished),
      duration: 55,
      queued_duration: 5,
      variables: [],
      url: `${webUrlOf(store, p)}/-/pipelines/${id}`,
    },
    merge_request: null,
    user: { id: store.user.id, name: store.user.name, username: store.user.username, avatar_url: null, email: '[REDACTED]' },
    project: projectAttrs(store, p),
    commit: commit ? hookCommit(store, p, commit) : null,
    source_pipeline: null,
    builds: [],
  };
}

/** GitLab's wildcard branch filter: `*` matches any run of characters, everything else literally. */
function branchMatches(hook: HookRecord, branch: string): boolean {
  const filter = hook.push_events_branch_filter;
  if (hook.branch_filter_strategy === 'all_branches' || filter === '') return true;
  if (hook.branch_filter_strategy === 'regex') return new RegExp(filter).test(branch);
  const pattern = filter.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${pattern}$`).test(branch);
}

/**
 * POSTs one event to every chosen hook, with GitLab's delivery headers: the event UUID is shared by all deliveries
 * of one event, the webhook UUID (and Idempotency-Key) is per delivery. A receiver that cannot be reached counts as
 * status 0, as GitLab's hook log records an internal error rather than an HTTP status.
 */
export async function deliver(store: Store, hooks: HookRecord[], event: string, payload: unknown): Promise<Delivery[]> {
  const eventUuid = randomUUID();
  return Promise.all(hooks.map((hook) => deliverOnce(store, hook, event, payload, eventUuid)));
}

async function deliverOnce(store: Store, hook: HookRecord, event: string, payload: unknown, eventUuid: string): Promise<Delivery> {
  const uuid = randomUUID();
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'GitLab/17.11.0',
    'x-gitlab-event': event,
    'x-gitlab-instance': new URL(store.baseUrl).origin,
    'x-gitlab-webhook-uuid': uuid,
    'x-gitlab-event-uuid': eventUuid,
    'idempotency-key': uuid,
  };
  if (hook.token) headers['x-gitlab-token'] = hook.token;
  const resend = () => deliverOnce(store, hook, event, payload, eventUuid);
  try {
    const response = await fetch(hook.url, { method: 'POST', headers, body: JSON.stringify(payload), signal: AbortSignal.timeout(10_000) });
    return { url: hook.url, status: response.status, uuid, eventUuid, resend, body: await response.text() };
  } catch {
    return { url: hook.url, status: 0, uuid, eventUuid, resend, body: '' };
  }
}

export function pushHooks(p: ProjectRecord, branch: string): HookRecord[] {
  return p.hooks.filter((h) => h.push_events && branchMatches(h, branch));
}
