import { createHash } from 'node:crypto';
import type { Transport } from '@rp/deploy-engine';
import type { Db } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';
import { checkHost } from './check-host.js';
import { MONITOR_DEFAULTS, type MonitorDefaults } from './settings.js';
import { claimCheck, ensureStatusRows, recordCheck } from './store.js';
import { loadTargets, type HostTarget } from './targets.js';

export interface MonitorDeps {
  db: Db;
  transport: Transport;
  secrets: SecretBox;
  log: { warn(msg: string): void };
}

export interface MonitorOptions extends Partial<MonitorDefaults> {
  /** Checks running at once in this process, across all environments. */
  concurrency?: number;
  /** How often the list of environments and hosts is read again (new servers, changed settings, unpaused). */
  refreshMs?: number;
}

const CONCURRENCY = 16;
const REFRESH_MS = 10_000;

interface Entry {
  target: HostTarget;
  offsetMs: number;
  /** The host's next slot (ms since the epoch): the same instant in every worker. */
  nextAt: number;
  running: boolean;
}

/** Where in each interval a host is checked: fixed per host and the same in every worker, so they race for one slot. */
const offsetOf = (key: string, intervalMs: number) => createHash('sha256').update(key).digest().readUInt32BE(0) % intervalMs;

/** The first slot of a host strictly after `now`: slots are `offset + k × interval` on the wall clock. */
const nextSlot = (now: number, intervalMs: number, offsetMs: number) => Math.floor((now - offsetMs) / intervalMs) * intervalMs + offsetMs + intervalMs;

function limiter(size: number) {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    // A finishing task hands its slot straight to the next waiting one, so `active` never exceeds `size`.
    if (active < size) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else active--;
    }
  };
}

/**
 * Checks every host of every monitored environment once per the environment's interval, each host at its own offset
 * in it so checks spread over time, and stores what they find (see store.ts and the alarm rule in transitions.ts).
 * Any number of workers may run this: a conditional UPDATE lets one of them take each check. Returns the stop
 * function, whose promise settles when the checks under way have been stored.
 */
export function scheduleMonitoring(deps: MonitorDeps, options: MonitorOptions = {}): () => Promise<void> {
  const defaults: MonitorDefaults = {
    intervalSeconds: options.intervalSeconds ?? MONITOR_DEFAULTS.intervalSeconds,
    failuresToDown: options.failuresToDown ?? MONITOR_DEFAULTS.failuresToDown,
  };
  const limit = limiter(options.concurrency ?? CONCURRENCY);
  const entries = new Map<string, Entry>();
  const underway = new Set<Promise<void>>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  let refreshing = false;

  const pin = (serverId: string, fingerprint: string) =>
    void deps.db.server
      .updateMany({ where: { id: serverId, hostKeyFingerprint: null }, data: { hostKeyFingerprint: fingerprint } })
      .catch((error: Error) => deps.log.warn(`monitoring could not pin the host key of server ${serverId}: ${error.message}`));

  const checkOnce = async (target: HostTarget, slot: Date) => {
    const claim = await claimCheck(deps.db, target, slot);
    if (!claim) return;
    const checked = await checkHost(deps.transport, target.server, target.spec, { onHostKeyLearned: (fingerprint) => pin(target.serverId, fingerprint) });
    const result = { ...checked, detail: checked.detail === null ? null : target.mask(checked.detail) };
    await recordCheck(deps.db, target, claim, result, defaults);
  };

  const start = (entry: Entry, slot: Date) => {
    entry.running = true;
    const done = limit(async () => (stopped ? undefined : checkOnce(entry.target, slot)))
      .catch((error: Error) => deps.log.warn(`monitoring check of ${entry.target.alarm.server} (${entry.target.alarm.environment}) failed: ${error.message}`))
      .finally(() => {
        entry.running = false;
        underway.delete(done);
      });
    underway.add(done);
  };

  const tick = () => {
    timer = null;
    if (stopped) return;
    const now = Date.now();
    for (const entry of entries.values()) {
      if (entry.nextAt > now) continue;
      const slot = new Date(entry.nextAt);
      entry.nextAt = nextSlot(now, entry.target.intervalMs, entry.offsetMs);
      // A check still under way (a slow or unreachable host) is not doubled; the next slot tries again.
      if (!entry.running) start(entry, slot);
    }
    arm();
  };

  const arm = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    let next = Infinity;
    for (const entry of entries.values()) next = Math.min(next, entry.nextAt);
    if (next === Infinity) return;
    timer = setTimeout(tick, Math.max(0, next - Date.now()));
    timer.unref();
  };

  const refresh = async () => {
    if (refreshing) return;
    refreshing = true;
    try {
      const targets = await loadTargets(deps, defaults);
      await ensureStatusRows(deps.db, targets);
      if (stopped) return;
      const now = Date.now();
      const seen = new Set<string>();
      for (const target of targets) {
        seen.add(target.key);
        const entry = entries.get(target.key);
        const reslot = !entry || entry.target.intervalMs !== target.intervalMs;
        const offsetMs = reslot ? offsetOf(target.key, target.intervalMs) : entry.offsetMs;
        const nextAt = reslot ? nextSlot(now, target.intervalMs, offsetMs) : entry.nextAt;
        // The entry object is kept: a check under way clears `running` on it when it ends.
        if (entry) Object.assign(entry, { target, offsetMs, nextAt });
        else entries.set(target.key, { target, offsetMs, nextAt, running: false });
      }
      for (const key of entries.keys()) if (!seen.has(key)) entries.delete(key);
      arm();
    } catch (error) {
      deps.log.warn(`monitoring could not read the hosts to check: ${(error as Error).message}`);
    } finally {
      refreshing = false;
    }
  };

  void refresh();
  const refresher = setInterval(() => void refresh(), options.refreshMs ?? REFRESH_MS);
  refresher.unref();
  return async () => {
    stopped = true;
    clearInterval(refresher);
    if (timer) clearTimeout(timer);
    await Promise.all([...underway]);
  };
}
