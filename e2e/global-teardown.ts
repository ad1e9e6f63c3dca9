import { rm } from 'node:fs/promises';

/** The API's data dir (master key, logs) is per run; nothing in it is worth keeping once the run is over. */
export default async function globalTeardown(): Promise<void> {
  const dir = process.env.E2E_DATA_DIR;
  if (dir) await rm(dir, { recursive: true, force: true });
}
