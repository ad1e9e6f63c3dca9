import type { ArtifactFormat, Compression } from './artifact-format.js';
/** Where and as whom to reach one host. The private key lives only in memory; the engine never writes it to disk. */
export interface ServerSpec {
  host: string;
  port?: number;
  username: string;
  privateKey: string | Buffer;
  passphrase?: string;
  /** OpenSSH style `SHA256:<base64 without padding>`; when absent the key is trusted on first use and reported. */
  hostKeyFingerprint?: string;
  /** Reach this server through another SSH server (a bastion) with a forwarded TCP channel. */
  jumpHost?: ServerSpec;
}

/** One (server, deploy path) pair of a plan. `env` is exported to hooks, restart and health check commands. */
export interface Target {
  id: string;
  server: ServerSpec;
  deployPath: string;
  env?: Record<string, string>;
}

/** A batch size: an absolute count or a percentage of all targets; sizes are cumulative (`[1, "25%", "100%"]`). */
export type BatchSize = number | `${number}%`;

export type Rollout =
  | { kind: 'parallel'; concurrency?: number }
  | { kind: 'serial' }
  | { kind: 'batches'; sizes: BatchSize[]; concurrency?: number; between?: BetweenBatches };

export type BetweenBatches = { mode: 'auto'; delaySeconds: number } | { mode: 'manual' };

export const HOOK_NAMES = ['before-checkout', 'after-checkout', 'before-release', 'after-release'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

export interface HealthCheck {
  /** Fetched on the target itself with curl or wget; `{{VAR}}` is replaced from the target's env. */
  url?: string;
  /** A script run on the target in the new release directory; exit 0 means healthy. */
  command?: string;
  retries?: number;
  /** First wait between attempts; doubles after each failed attempt. */
  intervalMs?: number;
  timeoutMs?: number;
}

export interface BuildConfig {
  command?: string;
  env?: Record<string, string>;
  /** Paths relative to the checkout that make up the artifact; default is the whole tree. */
  artifactPaths?: string[];
  /** Build on this server over SSH instead of on the platform host (see stages/build-on-agent). */
  agent?: ServerSpec;
  /** How the artifact is packed; default gzip (level 1). */
  compression?: Compression;
}

/**
 * How builds and checkout hooks run on the platform host. `bwrap` (the default when a plan names none) runs them in a
 * bubblewrap sandbox as `uid`/`gid` (default 65534, used only when the platform runs as root) with a cleared
 * environment, the checkout and the project's dependency cache as the only writable directories, and limits;
 * `off` runs them as the platform's own user, without isolation.
 */
export type SandboxSettings =
  | { mode: 'bwrap'; uid?: number; gid?: number; network?: boolean; cpuSeconds?: number; memoryMb?: number; timeoutSeconds?: number }
  | { mode: 'off'; timeoutSeconds?: number };

export interface FailurePolicy {
  /** How many failed targets the run tolerates before it stops starting new ones; 0 stops at the first failure. */
  tolerate?: number;
  /** Switch a batch's already-switched targets back when one of them fails its health check. Default true. */
  autoRollback?: boolean;
}

/**
 * Scripts that take a target out of the load balancer before its switch and put it back after. Each runs on the
 * target in the deploy path, with the same environment as the hooks.
 */
export interface TrafficScripts {
  /** Run before the switch; a failure fails the target before anything is switched. Empty or absent: no traffic stages. */
  offline?: string;
  /** Run once for every `offline` that ran, after the target's last switch of the run, even after a failure or an abort. */
  online?: string;
  /** Seconds to wait after `offline` so requests in flight finish; an abort cuts it short. */
  drainSeconds?: number;
}

/** Settings shared by release and rollback plans. */
export interface PlanCommon {
  releaseId: string;
  project: string;
  targets: Target[];
  rollout: Rollout;
  failurePolicy?: FailurePolicy;
  /** Script run in the release directory after the switch (uploaded as a file, never pasted into a command). */
  restartCommand?: string;
  healthcheck?: HealthCheck;
  traffic?: TrafficScripts;
  /** Who asked for it; recorded in each host's history. */
  actor?: string;
  /** Which platform process runs it; recorded in host locks. */
  instance?: string;
  lockTtlMs?: number;
  /**
   * Release ids the caller knows have ended (e.g. a run whose worker was killed). A lock still held by one of them
   * is taken over like an expired one, instead of blocking the hosts until its expiry.
   */
  staleLockOwners?: string[];
  commandTimeoutMs?: number;
}

/** A username and password (a token) for Git over HTTPS. */
export interface GitTokenCredential {
  username: string;
  password: string;
}

/** A deploy key for Git over SSH, and the only host keys ssh may accept (known_hosts lines the caller pinned). */
export interface GitSshCredential {
  privateKey: string;
  knownHosts: string;
}

export type GitCredential = GitTokenCredential | GitSshCredential;

export interface ReleasePlan extends PlanCommon {
  /** The platform host's workspace root; the project's mirror, checkouts and artifacts live in `<workDir>/<project>`. */
  workDir: string;
  /** `gitUrl` never carries a password: a token or deploy key goes in `gitCredential` (askpass, or a temporary key file). */
  source: { gitUrl: string; commit: string; gitCredential?: GitCredential };
  build?: BuildConfig;
  hooks?: Partial<Record<HookName, string>>;
  /** Isolation of the build and the checkout hooks; absent means a bwrap sandbox with the default limits. */
  sandbox?: SandboxSettings;
  /** Directories and files under `<deploy>/shared/` linked into every release. */
  sharedDirs?: string[];
  sharedFiles?: string[];
  keepReleases?: number;
}

export interface RollbackPlan extends PlanCommon {
  /** A release id still kept in `<deploy>/releases/` on every target (but those in `keptAs`). */
  toReleaseId: string;
  /**
   * Targets that keep the same version under another release id (target id → release id): a server added later got
   * the environment's version shipped as a release of its own.
   */
  keptAs?: Record<string, string>;
}

export interface Artifact {
  path: string;
  sha256: string;
  size: number;
  commit: string;
  /** Absent on artifacts recorded before formats existed: those are gzip tarballs. */
  format?: ArtifactFormat;
  /** Disk space the unpacked tree takes (du), for the free-space check; absent on artifacts recorded before it was. */
  treeBytes?: number;
}
