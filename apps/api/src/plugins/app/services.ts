import type { FastifyInstance } from 'fastify';
import { deriveKey } from '../../shared/master-key.js';
import type { PasswordHasher } from '../../shared/passwords.js';
import { createSecretBox, type SecretBox } from '../../shared/secret-box.js';

declare module 'fastify' {
  interface FastifyInstance {
    hasher: PasswordHasher;
    /** Encrypts credentials and secret variables at rest; the key never leaves this process. */
    secrets: SecretBox;
  }
}

/** What services need besides the database and SSH: the password hasher and the secret box. */
export function registerServices(app: FastifyInstance, deps: { hasher: PasswordHasher; masterKey: Buffer }): void {
  app.decorate('hasher', deps.hasher);
  app.decorate('secrets', createSecretBox(deriveKey(deps.masterKey, 'credentials')));
}
