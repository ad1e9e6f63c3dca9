import net from 'node:net';
import type { DbLog } from './migrate.js';

export const DEFAULT_EMBEDDED_PORT = 54329;

async function portIsFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** EMBEDDED_PG_PORT when set (and free), else the default port, else any free one. */
export async function choosePort(configured: number | undefined, log: DbLog): Promise<number> {
  if (configured !== undefined) {
    if (!(await portIsFree(configured))) {
      throw new Error(`Embedded PostgreSQL cannot listen on port ${configured}: it is in use (EMBEDDED_PG_PORT)`);
    }
    return configured;
  }
  if (await portIsFree(DEFAULT_EMBEDDED_PORT)) return DEFAULT_EMBEDDED_PORT;
  const port = await freePort();
  log.warn(`Port ${DEFAULT_EMBEDDED_PORT} is in use; embedded PostgreSQL listens on ${port} instead`);
  return port;
}
