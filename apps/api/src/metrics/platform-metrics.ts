import { GLOBAL_STAGES, ROLLBACK_TARGET_STAGES, TARGET_STAGES } from '@rp/contract/stages';
import { collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Db } from '../shared/db.js';
import { FinishedRuns, RUN_RESULTS } from './finished-runs.js';
import { readGauges } from './gauges.js';

const HOST_STATES = ['up', 'down', 'unknown'] as const;
const STAGES = [...new Set([...GLOBAL_STAGES, ...TARGET_STAGES, ...ROLLBACK_TARGET_STAGES, 'rollback'])];

export interface PlatformMetrics {
  contentType: string;
  /** The exposition text; scrapes run one at a time, so no finished run is observed twice. */
  scrape(): Promise<string>;
}

/** The process's metrics in a registry of its own, so nothing else registering globally can leak into `/metrics`. */
export function createPlatformMetrics({ db, liveViewers, sshConnections }: { db: Db; liveViewers: () => number; sshConnections: () => number }): PlatformMetrics {
  const registry = new Registry();
  const registers = [registry];
  collectDefaultMetrics({ register: registry, prefix: 'rp_' });

  const releases = new Gauge({ name: 'rp_releases', help: 'Releases by state and project (group/project)', labelNames: ['state', 'project'] as const, registers });
  const queueLength = new Gauge({ name: 'rp_release_queue_length', help: 'Releases queued for a worker', registers });
  const releaseDuration = new Histogram({
    name: 'rp_release_duration_seconds',
    help: 'Duration of finished release runs, observed by this process since it started',
    labelNames: ['result'] as const,
    buckets: [10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200],
    registers,
  });
  const stageDuration = new Histogram({
    name: 'rp_stage_duration_seconds',
    help: 'Duration of the stages of finished release runs (skipped stages left out)',
    labelNames: ['stage'] as const,
    buckets: [0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800],
    registers,
  });
  new Gauge({
    name: 'rp_live_viewers',
    help: 'Live WebSockets open on this process (release viewers and followed service logs)',
    registers,
    collect() {
      this.set(liveViewers());
    },
  });
  new Gauge({
    name: 'rp_ssh_connections',
    help: "SSH connections this process holds open (its releases, checks and the ones kept for reuse); a separate worker process counts its own",
    registers,
    collect() {
      this.set(sshConnections());
    },
  });
  const outboxDepth = new Gauge({ name: 'rp_notification_outbox_depth', help: 'Notifications not yet expanded plus deliveries pending or being sent', registers });
  const hosts = new Gauge({ name: 'rp_hosts', help: "Hosts by their service's state (up, down, unknown)", labelNames: ['state'] as const, registers });

  // Every series exists from the first scrape, so rate() and increase() see the first run too.
  for (const result of RUN_RESULTS) releaseDuration.zero({ result });
  for (const stage of STAGES) stageDuration.zero({ stage });

  const finished = new FinishedRuns();
  const refresh = async () => {
    const readings = await readGauges(db);
    // Last: once taken, finished runs are not returned again, so nothing may fail between taking and observing them.
    const { runs, stages } = await finished.take(db);
    // Reset first: a project deleted or a state emptied since the last scrape must not keep its old count.
    releases.reset();
    for (const row of readings.releases) releases.set({ state: row.state, project: row.project }, row.count);
    queueLength.set(readings.releases.filter((row) => row.state === 'queued').reduce((sum, row) => sum + row.count, 0));
    outboxDepth.set(readings.outboxDepth);
    hosts.reset();
    for (const state of HOST_STATES) hosts.set({ state }, 0);
    for (const row of readings.hosts) hosts.set({ state: row.state }, row.count);
    for (const run of runs) releaseDuration.observe({ result: run.result }, run.seconds);
    for (const stage of stages) stageDuration.observe({ stage: stage.stage }, stage.seconds);
    return registry.metrics();
  };

  let last: Promise<unknown> = Promise.resolve();
  return {
    contentType: registry.contentType,
    scrape() {
      const next = last.then(refresh);
      last = next.catch(() => undefined);
      return next;
    },
  };
}
