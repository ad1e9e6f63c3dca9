import type { ServerSpec } from '@rp/deploy-engine';
import { revealSecret } from '../credentials/service.js';
import type { DbTx } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';

type ServerRow = { host: string; port: number; username: string; credentialId: string; hostKeyFingerprint: string | null };

/** How the engine reaches a server: its key is decrypted here, in the worker's memory, just before the run. */
export async function serverSpec(db: DbTx, secrets: SecretBox, server: ServerRow): Promise<ServerSpec> {
  const { secret } = await revealSecret(db, secrets, server.credentialId);
  return {
    host: server.host,
    port: server.port,
    username: server.username,
    privateKey: secret,
    ...(server.hostKeyFingerprint ? { hostKeyFingerprint: server.hostKeyFingerprint } : {}),
  };
}
