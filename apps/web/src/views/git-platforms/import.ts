import type { GitPlatform, RemoteProject } from '@/api/git-platforms';
import type { ProjectPrefill } from '@/utils/project-prefill';

/** The last segment of the project's path as a project name: lowercased, anything a name may not hold turned into `-`. */
export function projectSlug(pathWithNamespace: string): string {
  const last = pathWithNamespace.split('/').filter(Boolean).at(-1) ?? '';
  return last.toLowerCase().replace(/[^A-Za-z0-9._-]/g, '-');
}

/**
 * What importing a platform's project fills in on the Projects page's create form: cloned over HTTPS with the
 * platform's token, linked to the platform's project, in the platform's group (a global platform: the user picks).
 */
export function importPrefill(platform: Pick<GitPlatform, 'id' | 'groupId' | 'credentialId'>, project: RemoteProject): ProjectPrefill {
  return {
    ...(platform.groupId ? { groupId: platform.groupId } : {}),
    name: projectSlug(project.pathWithNamespace),
    description: project.description,
    gitUrl: project.httpUrl,
    gitCredentialId: platform.credentialId,
    defaultBranch: project.defaultBranch,
    gitPlatformId: platform.id,
    remoteProjectId: project.remoteId,
  };
}
