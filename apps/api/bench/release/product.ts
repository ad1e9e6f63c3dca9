import { login, type Api } from '../rest.js';
import { startProduct, type ProductProcess } from '../processes.js';
import { startBuilt } from './built-product.js';

export type { ProductProcess };

export interface Product {
  /** The REST client of the current API process, logged in as the administrator. */
  api: Api;
  /** Root pid of each product process by role (their children are found through /proc). */
  pids: Record<string, number>;
  /**
   * Stops the processes and starts fresh ones on the same database, from source (through tsx, as the other benches
   * do) or from the build output (as deployed).
   */
  restart(from: 'source' | 'built'): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The product's real entry points on the bench's database. By default as `npm start` runs it: one process serving
 * the API with the worker inside (`server`); with `separateWorker`, an API process with WORKER_ENABLED=false (`api`)
 * and a worker process (`worker`), as a scaled-out installation runs it.
 */
export async function startProductProcesses(env: Record<string, string>, { separateWorker }: { separateWorker: boolean }): Promise<Product> {
  let running: ProductProcess[] = [];
  const stop = async () => {
    await Promise.all(running.map((p) => p.stop()));
    running = [];
  };
  const start = async (from: 'source' | 'built') => {
    const launch = from === 'built' ? startBuilt : startProduct;
    if (separateWorker) {
      const api = await launch('server', { ...env, WORKER_ENABLED: 'false' });
      running.push(api);
      const worker = await launch('worker', env);
      running.push(worker);
      product.pids = { api: api.pid, worker: worker.pid };
    } else {
      const server = await launch('server', { ...env, WORKER_ENABLED: 'true' });
      running.push(server);
      product.pids = { server: server.pid };
    }
    product.api = await login(running[0]?.baseUrl ?? '');
  };
  const product: Product = {
    api: undefined as unknown as Api,
    pids: {},
    restart: async (from) => {
      await stop();
      await start(from);
    },
    stop,
  };
  await start('source');
  return product;
}
