import { everyone, type Case } from './matrix.js';
import type { TestApp } from './test-app.js';

const rand = () => Math.random().toString(36).slice(2, 10);

/** A pin made in the database directly, on a host of its own so each role resets its own. */
const pin = (t: TestApp) =>
  t.db.gitHostKey.create({
    data: { host: `git-${rand()}.example.com`, port: 22, knownHosts: 'git.example.com ssh-ed25519 AAAA\n', fingerprints: [{ type: 'ssh-ed25519', fingerprint: 'SHA256:x' }], pinnedBy: 'matrix' },
  });

/** Permission rows of the Git host key routes, for the permission matrix. */
export const gitHostRows: Record<string, Case> = {
  'GET /api/git-host-keys': { allowed: everyone, request: async () => ({ url: '/api/git-host-keys' }) },
  'DELETE /api/git-host-keys/:id': { allowed: ['admin'], request: async ({ t }) => ({ url: `/api/git-host-keys/${(await pin(t)).id}` }) },
};
