/** A project as the stand-in keeps it; API and webhook representations are built from this. */
export interface ProjectRecord {
  id: number;
  name: string;
  path: string;
  namespace: NamespaceRecord;
  description: string | null;
  defaultBranch: string;
  archived: boolean;
  visibility: 'private' | 'internal' | 'public';
  createdAt: string;
  lastActivityAt: string;
  /** Bare repository on disk; undefined for the cheap projects made in bulk, which behave as empty repositories. */
  repoDir: string | undefined;
  hooks: HookRecord[];
}

export interface NamespaceRecord {
  id: number;
  name: string;
  path: string;
  kind: 'user' | 'group';
  fullPath: string;
}

/** A project hook with every attribute GitLab's API accepts for it; `token` is stored but never answered. */
export interface HookRecord {
  id: number;
  url: string;
  name: string;
  description: string;
  token: string | undefined;
  push_events: boolean;
  push_events_branch_filter: string;
  branch_filter_strategy: 'wildcard' | 'regex' | 'all_branches';
  issues_events: boolean;
  confidential_issues_events: boolean;
  merge_requests_events: boolean;
  tag_push_events: boolean;
  note_events: boolean;
  confidential_note_events: boolean;
  job_events: boolean;
  pipeline_events: boolean;
  wiki_page_events: boolean;
  deployment_events: boolean;
  releases_events: boolean;
  feature_flag_events: boolean;
  enable_ssl_verification: boolean;
  repository_update_events: boolean;
  created_at: string;
}

export interface StandInUser {
  id: number;
  username: string;
  name: string;
}

export interface Store {
  /** Origin plus sub-path, e.g. http://127.0.0.1:PORT/gitlab. */
  baseUrl: string;
  token: string;
  scopes: string[];
  user: StandInUser;
  projects: Map<number, ProjectRecord>;
  byPath: Map<string, ProjectRecord>;
  namespaces: Map<string, NamespaceRecord>;
  nextId: { project: number; namespace: number; hook: number };
}

export function fullPathOf(project: ProjectRecord): string {
  return `${project.namespace.fullPath}/${project.path}`;
}

/** GitLab's API timestamps: ISO 8601 with milliseconds, in UTC. */
export function nowIso(): string {
  return new Date().toISOString();
}
