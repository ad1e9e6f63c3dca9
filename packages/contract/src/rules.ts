/**
 * Plain values the API's schemas are built from and the SPA's forms check against before sending. They live apart
 * from the TypeBox schemas so that a form importing them does not bundle the schema library.
 */
export const GROUP_ROLES = ['owner', 'developer', 'viewer'] as const;
export type GroupRole = (typeof GROUP_ROLES)[number];

export const TOKEN_SCOPES = ['read', 'release', 'admin'] as const;
export type TokenScope = (typeof TOKEN_SCOPES)[number];

export const CREDENTIAL_KINDS = ['ssh_key', 'git_token'] as const;
export const GIT_PLATFORM_KINDS = ['gitlab', 'github', 'gitee'] as const;
export const NOTIFICATION_KINDS = ['dingtalk', 'email', 'wecom', 'feishu', 'webhook'] as const;
export type GitPlatformKind = (typeof GIT_PLATFORM_KINDS)[number];
export type CredentialKind = (typeof CREDENTIAL_KINDS)[number];

export const HOOK_STAGES = ['before-checkout', 'after-checkout', 'before-release', 'after-release'] as const;
export type HookStage = (typeof HOOK_STAGES)[number];
/** The longest hook script, in characters. */
export const HOOK_SCRIPT_MAX = 64 * 1024;

/** bcrypt reads at most 72 bytes; a longer password would silently lose its tail, so it is refused instead. */
export const PASSWORD_MIN = 10;
export const PASSWORD_MAX = 72;

/** Which rule of the password policy a new password breaks; the API names it in its 400, the SPA translates it. */
export type PasswordRule = 'length' | 'classes' | 'username';

const USERNAME_IN_PASSWORD_MIN = 3;
const CHARACTER_CLASSES = [/\p{Ll}/u, /\p{Lu}/u, /\p{Nd}/u, /[^\p{Ll}\p{Lu}\p{Nd}\s]/u];

/**
 * The password policy, shared by the API (which enforces it) and the SPA (which checks it before sending): at least
 * PASSWORD_MIN characters, at least two of lower case, upper case, digits and symbols (whitespace counts for none, so
 * ten spaces fail), and not containing the username (of three characters or more). Returns the first rule broken, or null.
 */
export function passwordRuleBroken(password: string, username?: string): PasswordRule | null {
  if ([...password].length < PASSWORD_MIN || new TextEncoder().encode(password).length > PASSWORD_MAX) return 'length';
  if (CHARACTER_CLASSES.filter((re) => re.test(password)).length < 2) return 'classes';
  // As a substring, a two-letter name would rule out too many good passwords.
  if (username && username.length >= USERNAME_IN_PASSWORD_MIN && password.toLowerCase().includes(username.toLowerCase())) return 'username';
  return null;
}

/** English wording of each rule, for API messages and scripts; the SPA has its own translations. */
export const PASSWORD_RULE_TEXT: Record<PasswordRule, string> = {
  length: `must have ${PASSWORD_MIN} to ${PASSWORD_MAX} characters (at most ${PASSWORD_MAX} bytes)`,
  classes: 'must mix at least two of: lower-case letters, upper-case letters, digits, symbols',
  username: 'must not contain the username',
};

export const USERNAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';

/** What a secret variable's value reads as on the wire; sent back unchanged, it keeps the stored value. */
export const SECRET_MASK = '******';

/** The characters of a ref rule's glob (environment release policy), e.g. `v*` or `release/*`. */
export const REF_PATTERN_CHARS = '^[A-Za-z0-9._/*?+@-]+$';

/**
 * Anchored glob match of a ref rule's pattern: `*` is any run of characters (slashes included), `?` exactly one,
 * everything else literal. Shared by the API, which enforces the rule, and the SPA, which shows it. Matched without
 * regular expressions, by the two-pointer method (backtracking only to the last `*`), so no pattern can take more
 * than length × length steps.
 */
export function globMatches(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let resume = 0;
  while (t < text.length) {
    const c = pattern[p];
    if (c === '*') {
      star = p;
      resume = t;
      p += 1;
    } else if (c !== undefined && (c === '?' || c === text[t])) {
      p += 1;
      t += 1;
    } else if (star >= 0) {
      p = star + 1;
      resume += 1;
      t = resume;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p += 1;
  return p === pattern.length;
}

export const DEFAULT_KEYWORD = 'devops';
export const DEFAULT_SKIP_MARKER = '[skip deploy]';
/**
 * An environment's auto-release rule before anyone sets it: off, and when turned on, pushes with the word "devops".
 * Typed here by shape (auto-release.ts's schema imports this module, so it cannot import that one back).
 */
export const DEFAULT_AUTO_RELEASE = {
  enabled: false,
  events: ['push'] as ('push' | 'tag_push' | 'pipeline')[],
  branches: [] as string[],
  tags: [] as string[],
  keyword: DEFAULT_KEYWORD,
  skipMarker: DEFAULT_SKIP_MARKER,
  onNewer: 'queue' as 'queue' | 'supersede',
};

/**
 * What an alert rule can be told about. `rolled_back` is a failed release whose servers went back automatically (a
 * rule on `failed` hears it too); `auto_created` is a release a webhook or trigger token created. The service alarms
 * are raised by supervision.
 */
export const ALERT_EVENTS = [
  'created',
  'auto_created',
  'awaiting_approval',
  'approved',
  'rejected',
  'started',
  'paused',
  'succeeded',
  'failed',
  'rolled_back',
  'aborted',
  'interrupted',
  'service_down',
  'service_recovered',
] as const;
export type AlertEvent = (typeof ALERT_EVENTS)[number];
/** What "only failures" keeps. */
export const FAILURE_EVENTS: readonly AlertEvent[] = ['failed', 'rolled_back', 'aborted', 'interrupted', 'service_down'];
export const MESSAGE_LOCALES = ['zh-CN', 'en'] as const;
export type MessageLocale = (typeof MESSAGE_LOCALES)[number];
/** A delivery's life: `sending` is marked before the call; `uncertain` is a send a crash cut short (never repeated by itself). */
export const DELIVERY_STATES = ['pending', 'sending', 'sent', 'merged', 'failed', 'uncertain'] as const;
export type DeliveryState = (typeof DELIVERY_STATES)[number];

/** What keeps a project's service running on each host after a release; `none` leaves it to the restart command. */
export const SERVICE_MANAGERS = ['none', 'systemd', 'supervisor', 'pm2', 'cron'] as const;
export type ServiceManager = (typeof SERVICE_MANAGERS)[number];

/** Servers an emergency (parallel) rollback switches at once: a switch and restart is quick; a fleet is not. */
export const ROLLBACK_CONCURRENCY = 50;
/** `parallel`: every server at once (an emergency); `environment`: the environment's own rollout, batches and pauses. */
export const ROLLBACK_ROLLOUTS = ['parallel', 'environment'] as const;
export type RollbackRollout = (typeof ROLLBACK_ROLLOUTS)[number];
