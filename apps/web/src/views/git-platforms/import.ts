import type { GitPlatform, RemoteProject } from '@/api/git-platforms';
import type { ProjectPrefill } from '@/utils/project-prefill';

/**
 * The last segment of the project's path as a project name: lowercased, anything a name may not hold turned into `-`,
 * starting with a letter or digit; `project-<id>` when nothing of it is left (a name written in Chinese, say).
 */
export function projectSlug(pathWithNamespace: string, remoteId: string): string {
  const last = pathWithNamespace.split('/').filter(Boolean).at(-1) ?? '';
  const slug = last.toLowerCase().replace(/[^a-z0-9._-]/g, '-').replace(/\.{2,}/g, '.').replace(/^[^a-z0-9]+/, '');
  return slug || `project-${remoteId}`;
}

/**
 * What importing a platform's project fills in on the Projects page's create form: cloned over HTTPS with the
 * platform's token, linked to the platform's project, in the platform's group (a global platform: the user picks).
 */
export function importPrefill(platform: Pick<GitPlatform, 'id' | 'groupId' | 'credentialId'>, project: RemoteProject): ProjectPrefill {
  return {
    ...(platform.groupId ? { groupId: platform.groupId } : {}),
    name: projectSlug(project.pathWithNamespace, project.remoteId),
    // A project's description is one line of at most 500 characters; GitLab's may be paragraphs.
    description: project.description.replace(/\s+/g, ' ').trim().slice(0, 500),
    gitUrl: project.httpUrl,
    gitCredentialId: platform.credentialId,
    defaultBranch: project.defaultBranch,
    gitPlatformId: platform.id,
    remoteProjectId: project.remoteId,
  };
}
