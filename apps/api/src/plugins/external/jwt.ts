import fastifyJwt from '@fastify/jwt';
import type { FastifyInstance } from 'fastify';
import { deriveKey } from '../../shared/master-key.js';

/** Session JWTs, signed with a key derived from the master key so no second secret has to be configured. */
export async function registerJwt(app: FastifyInstance, masterKey: Buffer): Promise<void> {
  await app.register(fastifyJwt, { secret: deriveKey(masterKey, 'jwt').toString('base64') });
}
