/**
 * Plain values the API's schemas are built from and the SPA's forms check against before sending. They live apart
 * from the TypeBox schemas so that a form importing them does not bundle the schema library.
 */
export const GROUP_ROLES = ['owner', 'developer', 'viewer'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export const TOKEN_SCOPES = ['read', 'release', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const CREDENTIAL_KINDS = ['ssh_key', 'git_token'] as const;
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export const HOOK_STAGES = ['before-checkout', 'after-checkout', 'before-release', 'after-release'] as const;
export type HookStage = (typeof HOOK_STAGES)[number];
/** The longest hook script, in characters. */
export const HOOK_SCRIPT_MAX = 64 * 1024;

/** bcrypt reads at most 72 bytes; a longer password would silently lose its tail, so it is refused instead. */
export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 72;
export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

/** What a secret variable's value reads as on the wire; sent back unchanged, it keeps the stored value. */
export const SECRET_MASK = '******';
