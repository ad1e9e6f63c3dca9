import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { startRelease, startRollback, type RunHandle, type SandboxSettings, type Transport } from '@rp/deploy-engine';
import { onControl, onQueued } from '../channels.js';
import type { Config } from '../config.js';
import { scheduleGitSync } from '../git-platforms/sync-schedule.js';
import { scheduleMonitoring } from '../monitoring/schedule.js';
import { Notifier } from '../notifications/notifier.js';
import type { PrivateHosts } from '../projects/git-policy.js';
import { transition } from '../releases/state-machine.js';
import type { Db } from '../shared/db.js';
import type { Subscriber } from '../shared/pubsub.js';
import { DomainError } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { createSecretMasker, type SecretMasker } from '../shared/secret-masker.js';
import { claimNext } from './claim.js';
import { EventRecorder } from './event-recorder.js';
import { scheduleRetention } from './retention.js';
import { buildRunInput } from './run-input.js';
import { ensureBuildSandbox } from './sandbox-check.js';
import { recordSettingsNotice } from './settings-notice.js';
import { reapStaleRuns } from './stale.js';

export interface WorkerOptions {
  db: Db;
  subscriber: Subscriber;
  secrets: SecretBox;
  transport: Transport;
  workDir: string;
  concurrency: number;
  heartbeatMs: number;
  /** A running release whose heartbeat is older than this is declared interrupted. */
  staleAfterMs: number;
  logRetentionDays: number;
  /** Minutes between incremental syncs of each Git platform's projects; 0: none. */
  gitSyncIntervalMinutes: number;
  /** GIT_ALLOW_PRIVATE_HOSTS: where a checkout may connect, checked again before every run. */
  gitPrivateHosts: PrivateHosts;
  /** Isolation of builds and checkout hooks, checked by start() and given to every release plan. */
  sandbox: SandboxSettings;
  /** The notifier runs wherever releases run; PUBLIC_URL makes the links in messages. */
  notify: Config['notify'] & { publicUrl: string | null };
  log: { info(msg: string): void; warn(msg: string): void; error(obj: object, msg: string): void };
}

interface Running {
  handle: RunHandle | null;
  abort: AbortController;
  paused: boolean;
}

/**
 * Claims queued releases from PostgreSQL and runs them with the engine. Runs inside the API process by default or
 * alone (`pnpm worker`); any number of workers can share one database. Each heartbeats the releases it runs; one
 * whose worker stopped heartbeating (kill -9, lost machine) is marked interrupted by whichever worker notices.
 */
export class ReleaseWorker {
  readonly id = `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  #running = new Map<string, Running>();
  #timers: NodeJS.Timeout[] = [];
  #unsubscribe: (() => void)[] = [];
  #stopping = false;
  #claiming: Promise<void> | null = null;
  #claimAgain = false;
  readonly #notifier: Notifier;
  #stopMonitoring: (() => Promise<void>) | null = null;

  constructor(private readonly o: WorkerOptions) {
    this.#notifier = new Notifier({ ...o.notify, db: o.db, secrets: o.secrets, subscriber: o.subscriber, privateHosts: o.gitPrivateHosts, log: o.log });
  }

  async start(): Promise<void> {
    await ensureBuildSandbox(this.o.sandbox, this.o.log);
    await this.#reapStale();
    // A stop while the checks above ran (a SIGTERM right after start) must not be followed by timers and loops that
    // nothing would end.
    if (this.#stopping) return;
    this.#unsubscribe.push(onQueued(this.o.subscriber, () => this.poke()));
    this.#unsubscribe.push(
      onControl(this.o.subscriber, (notice) => {
        if (notice.kind === 'resync' || this.#running.has(notice.releaseId)) void this.checkControls();
      }),
    );
    this.#timers.push(setInterval(() => void this.heartbeat(), this.o.heartbeatMs));
    // Polling backs up NOTIFY: a wake-up lost while the LISTEN connection was down costs at most one interval.
    this.#timers.push(setInterval(() => this.poke(), Math.max(1_000, this.o.heartbeatMs)));
    this.#unsubscribe.push(scheduleRetention(this.o, { retentionDays: this.o.logRetentionDays }));
    this.#unsubscribe.push(scheduleGitSync({ ...this.o, privateHosts: this.o.gitPrivateHosts }, { intervalMinutes: this.o.gitSyncIntervalMinutes }));
    this.#notifier.start();
    // Service monitoring shares the worker's pooled SSH connections; any number of workers split the checks.
    this.#stopMonitoring = scheduleMonitoring({ db: this.o.db, transport: this.o.transport, secrets: this.o.secrets, log: this.o.log });
    this.poke();
  }

  /** Stops claiming; running releases are left to finish unless the process is being torn down with abort. */
  async stop(opts: { abortRunning?: boolean } = {}): Promise<void> {
    this.#stopping = true;
    for (const t of this.#timers) clearInterval(t);
    for (const u of this.#unsubscribe) u();
    if (opts.abortRunning) for (const r of this.#running.values()) r.abort.abort();
    while (this.#running.size > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    await this.#stopMonitoring?.();
    // After the runs: their last state changes still write notifications this notifier may send.
    await this.#notifier.stop();
  }

  poke(): void {
    if (this.#stopping) return;
    if (this.#claiming) {
      this.#claimAgain = true;
      return;
    }
    this.#claiming = this.#claimLoop().finally(() => {
      this.#claiming = null;
      if (this.#claimAgain) {
        this.#claimAgain = false;
        this.poke();
      }
    });
  }

  async #claimLoop(): Promise<void> {
    while (!this.#stopping && this.#running.size < this.o.concurrency) {
      let id: string | null;
      try {
        id = await claimNext(this.o, { workerId: this.id });
      } catch (error) {
        this.o.log.error({ err: error }, 'claiming a release failed');
        return;
      }
      if (!id) return;
      const entry: Running = { handle: null, abort: new AbortController(), paused: false };
      this.#running.set(id, entry);
      void this.#run(id, entry).finally(() => {
        this.#running.delete(id);
        this.poke();
      });
    }
  }

  async #run(id: string, entry: Running): Promise<void> {
    const { db } = this.o;
    let mask: SecretMasker = (text) => text;
    try {
      const release = await db.release.findUniqueOrThrow({ where: { id }, select: { lastSeq: true } });
      const input = await buildRunInput(
        { db, secrets: this.o.secrets, workDir: this.o.workDir, instance: this.id, privateHosts: this.o.gitPrivateHosts },
        { releaseId: id },
      );
      mask = createSecretMasker(input.redact);
      const seqBase = await recordSettingsNotice({ db, log: this.o.log }, { releaseId: id, seqBase: release.lastSeq });
      const recorder = new EventRecorder(
        { db },
        {
          releaseId: id,
          seqBase,
          onStored: (event) => {
            if (event.type === 'batch.paused') entry.paused = true;
          },
          mask,
          onRetry: (error, attempt) => this.o.log.warn(`storing events of release ${id} failed (attempt ${attempt}), trying again: ${mask(error.message)}`),
          onLost: (error) => {
            this.o.log.error({ err: { type: error.name, message: mask(error.message) }, releaseId: id }, 'events of a run could not be stored; stopping the run');
            entry.abort.abort();
          },
        },
      );
      const options = { transport: this.o.transport, signal: entry.abort.signal, onEvent: recorder.push };
      entry.handle =
        input.kind === 'rollback'
          ? startRollback(input.plan, options)
          : startRelease({ ...input.plan, sandbox: this.o.sandbox }, input.artifact ? { ...options, artifact: input.artifact } : options);
      await this.checkControls();
      await entry.handle.done;
      await recorder.drain();
    } catch (error) {
      const err = error as Error;
      const message = mask(err.message);
      // A refusal (the Git URL or token may not be used) is the release's failure; anything else is a bug or a
      // storage failure, not a deployment failure: the hosts are whatever the engine left, so say so.
      const refused = error instanceof DomainError;
      if (!refused) this.o.log.error({ err: { type: err.name, message, stack: mask(err.stack ?? '') }, releaseId: id }, 'release run crashed');
      const reason = (refused ? message : `internal error: ${message}`).slice(0, 4000);
      await db.$transaction((tx) => transition(tx, { id, action: 'fail', data: { finishedAt: new Date(), error: reason } })).catch(() => undefined);
    }
  }

  /** Applies abort requests and "continue" presses recorded in the database to the runs of this worker. */
  async checkControls(): Promise<void> {
    const ids = [...this.#running.keys()];
    if (ids.length === 0) return;
    const rows = await this.o.db.release.findMany({ where: { id: { in: ids } }, select: { id: true, state: true, abortRequestedAt: true } });
    for (const row of rows) {
      const entry = this.#running.get(row.id);
      if (!entry) continue;
      if (row.abortRequestedAt && !entry.abort.signal.aborted) entry.abort.abort();
      if (entry.paused && row.state === 'running') {
        entry.paused = false;
        entry.handle?.continue();
      }
    }
  }

  async heartbeat(): Promise<void> {
    try {
      const ids = [...this.#running.keys()];
      if (ids.length) {
        await this.o.db.release.updateMany({ where: { id: { in: ids }, workerId: this.id }, data: { heartbeatAt: new Date() } });
        await this.checkControls();
      }
      await this.#reapStale();
    } catch (error) {
      this.o.log.warn(`heartbeat failed: ${(error as Error).message}`);
    }
  }

  async #reapStale(): Promise<void> {
    await reapStaleRuns(this.o, { workerId: this.id, staleAfterMs: this.o.staleAfterMs });
  }
}

/** The worker as configured by WORKER_* settings; the API process (embedded) and `pnpm worker` both build it here. */
export function createReleaseWorker({ config, ...deps }: { config: Config } & Pick<WorkerOptions, 'db' | 'subscriber' | 'secrets' | 'transport' | 'log'>): ReleaseWorker {
  return new ReleaseWorker({
    ...deps,
    workDir: config.workDir,
    concurrency: config.workerConcurrency,
    heartbeatMs: config.workerHeartbeatSeconds * 1000,
    staleAfterMs: config.workerStaleSeconds * 1000,
    logRetentionDays: config.logRetentionDays,
    gitSyncIntervalMinutes: config.gitSyncIntervalMinutes,
    gitPrivateHosts: config.gitPrivateHosts,
    sandbox: config.buildSandbox,
    notify: { ...config.notify, publicUrl: config.publicUrl },
  });
}
