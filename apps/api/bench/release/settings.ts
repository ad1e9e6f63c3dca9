import { intEnv } from '../env.js';

export interface Settings {
  hosts: number;
  sizesMb: number[];
  concurrency: number;
  rounds: number;
  /** Host counts for the growth-per-host phase (1 MB artifact); empty skips it. */
  scale: number[];
  emptyHome: boolean;
  /** Run the worker as its own process beside an API process with WORKER_ENABLED=false. */
  separateWorker: boolean;
  memory: boolean;
  memoryReleases: number;
  memoryTargets: number;
  memorySizeMb: number;
  memorySettleSeconds: number;
  logLevel: string;
  /** SSH_THREADS for the product; unset keeps the product's default. */
  sshThreads: number | undefined;
}

/** A comma-separated list of positive integers; `0` (or an empty value) is the empty list. */
function listEnv(name: string, fallback: number[]): number[] {
  const raw = process.env[name];
  if (raw === undefined) return fallback;
  if (raw.trim() === '' || raw.trim() === '0') return [];
  const values = raw.split(',').map((s) => Number(s.trim()));
  if (values.some((v) => !Number.isInteger(v) || v < 1)) throw new Error(`${name} must be a comma-separated list of positive integers, got "${raw}"`);
  return values;
}

function flagEnv(name: string, fallback: boolean): boolean {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  if (raw === '1' || raw === 'true') return true;
  if (raw === '0' || raw === 'false') return false;
  throw new Error(`${name} must be 1 or 0, got "${raw}"`);
}

/** Every BENCH_* switch of `npm run bench:release`, with the defaults the figures were taken with. */
export function readSettings(): Settings {
  const hosts = intEnv('BENCH_HOSTS', 20, 1);
  const sizesMb = listEnv('BENCH_SIZES', process.env.BENCH_SIZE_MB ? [intEnv('BENCH_SIZE_MB', 100, 1)] : [100, 1]);
  const memoryTargets = Math.min(intEnv('BENCH_MEMORY_TARGETS', 5, 1), hosts);
  return {
    hosts,
    sizesMb,
    concurrency: intEnv('BENCH_CONCURRENCY', 10, 1),
    rounds: intEnv('BENCH_ROUNDS', 2, 1),
    scale: listEnv('BENCH_SCALE', [1, 5, 10, 20]),
    emptyHome: flagEnv('BENCH_EMPTY_HOME', false),
    separateWorker: flagEnv('BENCH_SEPARATE_WORKER', false),
    memory: flagEnv('BENCH_MEMORY', true),
    // WORKER_CONCURRENCY is set to it (at most 64), so all of them run at once.
    memoryReleases: Math.min(intEnv('BENCH_MEMORY_RELEASES', 10, 1), 64),
    memoryTargets,
    memorySizeMb: intEnv('BENCH_MEMORY_SIZE_MB', Math.max(1, ...sizesMb), 1),
    memorySettleSeconds: intEnv('BENCH_MEMORY_SETTLE_SECONDS', 60, 0),
    logLevel: process.env.BENCH_LOG_LEVEL || 'info',
    sshThreads: process.env.BENCH_SSH_THREADS ? intEnv('BENCH_SSH_THREADS', 0, 0) : undefined,
  };
}
