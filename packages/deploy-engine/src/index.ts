/**
 * @rp/deploy-engine — ships one Git commit to many servers over SSH. No HTTP, no database, no globals: callers
 * pass a plan, a transport and an event listener, and get a result value back.
 */
export { startRelease, retryFailed, type ReleaseOptions } from './release.js';
export { startRollback } from './rollback.js';
export { dryRun, type DryRunResult, type PlannedCommand } from './dry-run.js';
export { listRefs, resolveRef, type RefList, type ListRefsOptions, type ListRefsOutcome } from './git/refs.js';
export { listCommits, type CommitInfo, type ListCommitsOptions, type ListCommitsOutcome } from './git/commits.js';
export { scanHostKeys, type HostKeyFingerprint, type HostKeyScan } from './git/host-keys.js';
export { createSshTransport, defaultSshThreads } from './transport/create.js';
export type { SshTransportOptions } from './transport/ssh.js';
export type { Transport, Connection, ConnectOutcome, ConnectHooks, ExecInput, ExecOptions, ExecOutcome } from './transport/transport.js';
export { fingerprintOf } from './transport/fingerprint.js';
export type { RunHandle, RunOptions } from './run/start.js';
export { validateReleasePlan, validateRollbackPlan } from './plan-validation.js';
export { splitIntoBatches, type Batch } from './batches.js';
export { quote, sh } from './shell/quote.js';
export { probeSandbox } from './sandbox/probe.js';
export { GLOBAL_STAGES, TARGET_STAGES, ROLLBACK_TARGET_STAGES, type StageName } from '@rp/contract/stages';
export type { ArtifactFormat, Compression } from './artifact-format.js';
export type { EngineEvent, EngineEventType, LogStream, StageStatus } from './events.js';
export type { ReleaseResult, TargetResult, TargetState } from './result.js';
export type { ExecError, EngineError, EngineErrorCode, FailureReason } from './errors.js';
export { PlanValidationError, describeFailure } from './errors.js';
export type {
  Artifact,
  BatchSize,
  BetweenBatches,
  BuildConfig,
  FailurePolicy,
  GitCredential,
  GitSshCredential,
  GitTokenCredential,
  HealthCheck,
  HookName,
  PlanCommon,
  ReleasePlan,
  RollbackPlan,
  Rollout,
  SandboxSettings,
  ServerSpec,
  Target,
  TrafficScripts,
} from './types.js';
