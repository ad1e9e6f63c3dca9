import type { CreateProjectBody } from '@rp/contract/projects';

/**
 * A new project's fields filled in elsewhere (a project of a Git platform) for the Projects page's create form; the
 * type preset stays the user's choice, and without `groupId` so does the group.
 */
export type ProjectPrefill = Pick<CreateProjectBody, 'name' | 'gitUrl'> &
  Partial<Pick<CreateProjectBody, 'groupId' | 'description' | 'gitCredentialId' | 'defaultBranch' | 'gitPlatformId' | 'remoteProjectId'>>;

const KEY = 'projectPrefill';

/**
 * The history state that carries a prefill to the Projects page (`router.push({ name: 'projects', state })`): it
 * rides along with one navigation instead of the URL, so a bookmark or a shared link never opens a half-filled form.
 */
export const prefillState = (prefill: ProjectPrefill) => ({ [KEY]: { ...prefill } });

/** Takes the prefill out of the current history entry, so a reload or coming back to the page does not open it again. */
export function takeProjectPrefill(): ProjectPrefill | null {
  const state = window.history.state as Record<string, unknown> | null;
  const prefill = state?.[KEY];
  if (typeof prefill !== 'object' || prefill === null) return null;
  window.history.replaceState({ ...state, [KEY]: null }, '');
  return prefill as ProjectPrefill;
}
