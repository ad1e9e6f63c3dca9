import type { FastifyInstance } from 'fastify';
import { createDirectory, type Directory } from './client.js';
import { scheduleDirectorySync } from './sync.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The LDAP directory logins and the sync ask; null when LDAP_URL is unset. */
    directory: Directory | null;
  }
}

/** Decorates `directory` and, with LDAP configured, syncs directory users every LDAP_SYNC_MINUTES while the app runs. */
export function registerDirectory(app: FastifyInstance): void {
  const config = app.config.ldap;
  const directory = config ? createDirectory(config, app.log) : null;
  app.decorate('directory', directory);
  if (!config || !directory) return;
  let stop = () => undefined as void;
  app.addHook('onReady', async () => {
    stop = scheduleDirectorySync({ db: app.db, directory, log: app.log }, { minutes: config.syncMinutes });
  });
  app.addHook('onClose', async () => stop());
}
