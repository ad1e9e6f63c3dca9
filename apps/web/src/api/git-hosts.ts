import type { GitHostKeyQuery, GitHostKeyView } from '@rp/contract/git-hosts';
import { http, query } from './http';
import type { ListQuery, Page } from './types';

/** The SSH host keys pinned for one Git host and port on first use; ssh accepts only these from it. */
export type GitHostKey = GitHostKeyView;

export function listGitHostKeys(params: ListQuery<GitHostKeyQuery> = {}): Promise<Page<GitHostKey>> {
  return http.get(`/git-host-keys${query({ ...params })}`);
}

/** Administrators only: the next Git call to that host trusts whatever key it presents then, and pins it. */
export function resetGitHostKey(id: string): Promise<void> {
  return http.delete(`/git-host-keys/${encodeURIComponent(id)}`);
}
