import {
  HOOK_STAGES,
  type CreateProjectBody,
  type HealthCheck,
  type HealthCheckInput,
  type HookStage,
  type Preset,
  type Project,
  type UpdateProjectBody,
} from '@/api/projects';
import type { ProjectPrefill } from '@/utils/project-prefill';
import { copyServiceForm, serviceForm, serviceInput, type ServiceForm } from '@/views/service-status/service-form';

/** Limits of the API's project schemas, so the form refuses what the API would. */
export const LIMITS = {
  name: 100,
  description: 500,
  gitUrl: 2048,
  command: 16 * 1024,
  hook: 64 * 1024,
  paths: 50,
  path: 1024,
  keepReleases: { min: 1, max: 50 },
  timeout: { min: 1, max: 600 },
  retries: { min: 0, max: 50 },
  interval: { min: 1, max: 300 },
  expectStatus: { min: 100, max: 599 },
  url: 2048,
} as const;

export const SLUG = /^(?!.*\.\.)[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REL_PATH = /^[A-Za-z0-9._@+=:,/-]+$/;
const HTTP_URL = /^https?:\/\/[^\s]+$/;

export type HealthType = 'none' | 'http' | 'command';

export interface HealthForm {
  type: HealthType;
  url: string;
  expectStatus: number;
  command: string;
  timeoutSeconds: number;
  retries: number;
  intervalSeconds: number;
}

/** The preset-driven part of the form: what choosing a type fills in. */
export interface PresetFields {
  buildCommand: string;
  artifactPaths: string[];
  sharedDirs: string[];
  sharedFiles: string[];
  restartCommand: string;
  health: HealthForm;
  service: ServiceForm;
}

/** The API's compressions, in the order the select offers them. */
export const COMPRESSIONS: readonly Project['packageCompression'][] = ['gzip', 'zstd', 'none'];

export interface ProjectForm extends PresetFields {
  groupId: string;
  name: string;
  description: string;
  gitUrl: string;
  /** '' for none. */
  gitCredentialId: string;
  /** '' builds on the platform host. */
  buildAgentId: string;
  preset: string;
  keepReleases: number;
  packageCompression: Project['packageCompression'];
  hooks: Record<HookStage, string>;
}

export const PRESET_FIELDS = ['buildCommand', 'artifactPaths', 'sharedDirs', 'sharedFiles', 'restartCommand', 'health', 'service'] as const;
export type PresetField = (typeof PRESET_FIELDS)[number];

// The API's own defaults for attempts, so "none → http" starts where a project without them would end up.
const DEFAULT_ATTEMPTS = { timeoutSeconds: 5, retries: 3, intervalSeconds: 2 };

export function healthForm(check: HealthCheck | null): HealthForm {
  const base: HealthForm = { type: 'none', url: '', expectStatus: 200, command: '', ...DEFAULT_ATTEMPTS };
  if (!check) return base;
  const attempts = { timeoutSeconds: check.timeoutSeconds, retries: check.retries, intervalSeconds: check.intervalSeconds };
  return check.type === 'http' ? { ...base, ...attempts, type: 'http', url: check.url, expectStatus: check.expectStatus } : { ...base, ...attempts, type: 'command', command: check.command };
}

export function healthInput(form: HealthForm): HealthCheckInput | null {
  const attempts = { timeoutSeconds: form.timeoutSeconds, retries: form.retries, intervalSeconds: form.intervalSeconds };
  if (form.type === 'http') return { type: 'http', url: form.url.trim(), expectStatus: form.expectStatus, ...attempts };
  if (form.type === 'command') return { type: 'command', command: form.command, ...attempts };
  return null;
}

const emptyHooks = (): Record<HookStage, string> => Object.fromEntries(HOOK_STAGES.map((s) => [s, ''])) as Record<HookStage, string>;

export function presetFields(preset: Preset | undefined): PresetFields {
  return {
    buildCommand: preset?.buildCommand ?? '',
    artifactPaths: [...(preset?.artifactPaths ?? [])],
    sharedDirs: [...(preset?.sharedDirs ?? [])],
    sharedFiles: [...(preset?.sharedFiles ?? [])],
    restartCommand: preset?.restartCommand ?? '',
    health: healthForm(preset?.healthCheck ?? null),
    service: serviceForm(preset?.service),
  };
}

export function emptyForm(groupId = ''): ProjectForm {
  return { groupId, name: '', description: '', gitUrl: '', gitCredentialId: '', buildAgentId: '', preset: '', keepReleases: 5, packageCompression: 'gzip', hooks: emptyHooks(), ...presetFields(undefined) };
}

/** A new project's form with what an import brings; its link to the platform's project goes out with `createBody`. */
export function prefilledForm(groupId: string, prefill: ProjectPrefill): ProjectForm {
  return {
    ...emptyForm(prefill.groupId ?? groupId),
    name: prefill.name,
    description: prefill.description ?? '',
    gitUrl: prefill.gitUrl,
    gitCredentialId: prefill.gitCredentialId ?? '',
  };
}

export function formOf(project: Project): ProjectForm {
  return {
    groupId: project.groupId,
    name: project.name,
    description: project.description,
    gitUrl: project.gitUrl,
    gitCredentialId: project.gitCredentialId ?? '',
    buildAgentId: project.buildAgentId ?? '',
    preset: project.preset,
    keepReleases: project.keepReleases,
    packageCompression: project.packageCompression,
    buildCommand: project.buildCommand,
    artifactPaths: [...project.artifactPaths],
    sharedDirs: [...project.sharedDirs],
    sharedFiles: [...project.sharedFiles],
    restartCommand: project.restartCommand,
    health: healthForm(project.healthCheck),
    service: serviceForm(project.service),
    hooks: { ...emptyHooks(), ...project.hooks },
  };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** Health settings the user cannot see (attempts of a check that is off) do not count as an edit. */
function comparableHealth(h: HealthForm) {
  if (h.type === 'none') return { type: 'none' };
  const attempts = [h.timeoutSeconds, h.retries, h.intervalSeconds];
  return h.type === 'http' ? { type: h.type, url: h.url, expectStatus: h.expectStatus, attempts } : { type: h.type, command: h.command, attempts };
}

/** Like health, the service counts by what would be sent: fields the chosen manager does not use are not an edit. */
function valueOf(fields: PresetFields, field: PresetField): unknown {
  if (field === 'health') return comparableHealth(fields.health);
  return field === 'service' ? serviceInput(fields.service) : fields[field];
}

/**
 * Preset fields the user has made their own: they differ from what the previous preset would have filled in,
 * and the new preset would change them. Those are the ones to ask about before overwriting.
 */
export function editedFields(current: PresetFields, previous: PresetFields, next: PresetFields): PresetField[] {
  return PRESET_FIELDS.filter((f) => !same(valueOf(current, f), valueOf(previous, f)) && !same(valueOf(current, f), valueOf(next, f)));
}

/** Fills the form from a preset; fields listed in `keep` stay as the user left them. */
export function applyPreset(form: ProjectForm, next: PresetFields, keep: readonly PresetField[] = []): void {
  for (const field of PRESET_FIELDS) {
    if (keep.includes(field)) continue;
    if (field === 'health') form.health = { ...next.health };
    else if (field === 'service') form.service = copyServiceForm(next.service);
    else if (field === 'buildCommand' || field === 'restartCommand') form[field] = next[field];
    else form[field] = [...next[field]];
  }
}

function commonFields(form: ProjectForm) {
  return {
    description: form.description.trim(),
    gitUrl: form.gitUrl.trim(),
    gitCredentialId: form.gitCredentialId || null,
    buildAgentId: form.buildAgentId || null,
    buildCommand: form.buildCommand,
    artifactPaths: form.artifactPaths,
    sharedDirs: form.sharedDirs,
    sharedFiles: form.sharedFiles,
    keepReleases: form.keepReleases,
    packageCompression: form.packageCompression,
    restartCommand: form.restartCommand,
    healthCheck: healthInput(form.health),
    service: serviceInput(form.service),
  };
}

/** The form's rules insist on a type before anything is sent, and the select offers only the API's presets. */
const chosenPreset = (form: ProjectForm) => form.preset as Preset['id'];

/** A script of only whitespace is no script: the stage is simply not used. */
const hasScript = (script: string) => script.trim() !== '';

/** With a prefill from a Git platform, the project is created linked to the platform's project and its branch. */
export function createBody(form: ProjectForm, prefill?: ProjectPrefill | null): CreateProjectBody {
  const hooks = Object.fromEntries(HOOK_STAGES.filter((s) => hasScript(form.hooks[s])).map((s) => [s, form.hooks[s]]));
  const link = prefill?.gitPlatformId
    ? { gitPlatformId: prefill.gitPlatformId, remoteProjectId: prefill.remoteProjectId ?? null, defaultBranch: prefill.defaultBranch ?? null }
    : {};
  return { groupId: form.groupId, name: form.name.trim(), preset: chosenPreset(form), ...commonFields(form), ...link, hooks };
}

/** Hooks merge on the server, so a stage emptied here is sent as null to remove it. */
export function updateBody(form: ProjectForm, before: Project): UpdateProjectBody {
  const hooks: Partial<Record<HookStage, string | null>> = {};
  for (const stage of HOOK_STAGES) {
    if (hasScript(form.hooks[stage])) {
      if (form.hooks[stage] !== before.hooks[stage]) hooks[stage] = form.hooks[stage];
    } else if (before.hooks[stage] !== undefined) {
      hooks[stage] = null;
    }
  }
  return { name: form.name.trim(), preset: chosenPreset(form), ...commonFields(form), ...(Object.keys(hooks).length ? { hooks } : {}) };
}

/** The API's Git URL rules (schemes, no embedded token, scp-like git@host:path); a reason key or null. */
export function gitUrlProblem(raw: string): string | null {
  const url = raw.trim();
  if (url.startsWith('-')) return 'gitUrlDash';
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return 'gitUrlSpace';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!['https', 'ssh', 'git', 'file'].includes(scheme)) return 'gitUrlScheme';
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'gitUrlInvalid';
    }
    if (parsed.password) return 'gitUrlToken';
    if (scheme !== 'file' && !parsed.hostname) return 'gitUrlInvalid';
    return null;
  }
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:/][^:]*$/.test(url) && !url.includes('::')) return null;
  return 'gitUrlScheme';
}

/** The first path the API would refuse, or null. */
export function badPath(paths: readonly string[]): string | null {
  for (const path of paths) {
    if (path.length > LIMITS.path || !REL_PATH.test(path) || path.startsWith('/')) return path;
    const segments = path.replace(/\/+$/, '').split('/');
    if (segments.some((s) => s === '' || s === '.' || s === '..' || s.startsWith('-'))) return path;
  }
  return null;
}

export const isHttpUrl = (url: string) => url.length <= LIMITS.url && HTTP_URL.test(url.trim());
