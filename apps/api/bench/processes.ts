import { startServer, type ServerProcess } from '../test/helpers/server-process.js';

export interface ProductProcess extends ServerProcess {
  pid: number;
  stop(): Promise<number | null>;
}

/**
 * The product's real entry points as separate processes, started the way the multi-process tests start them, so
 * each pid is the product's own (for CPU accounting) and extra node flags such as --cpu-prof reach it.
 */
export async function startProduct(entry: 'server' | 'worker', env: Record<string, string>, nodeFlags: string[] = []): Promise<ProductProcess> {
  const p = await startServer(env, { entry, nodeFlags });
  return {
    ...p,
    pid: p.child.pid ?? 0,
    stop: async () => {
      if (p.child.exitCode !== null || p.child.signalCode !== null) return p.child.exitCode;
      // SIGTERM lets it close cleanly (and write its CPU profile); a process that hangs is killed after 15 s.
      const killer = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
      const code = await p.stop('SIGTERM');
      clearTimeout(killer);
      return code;
    },
  };
}
