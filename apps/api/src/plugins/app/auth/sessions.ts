import type { FastifyInstance } from 'fastify';

declare module 'fastify' {
  interface FastifyInstance {
    /** Issues the session JWTs that authenticate() verifies. */
    sessions: Sessions;
  }
}

export interface Sessions {
  /** How long a new session lasts (JWT_EXPIRES_IN_SECONDS). */
  seconds: number;
  sign(payload: { sid: string }, subject: string, expiresInSeconds: number): string;
}

/** Needs @fastify/jwt registered first. */
export function registerSessions(app: FastifyInstance): void {
  app.decorate('sessions', {
    seconds: app.config.jwtExpiresInSeconds,
    sign: (payload, subject, expiresIn) => app.jwt.sign(payload, { sub: subject, expiresIn }),
  } satisfies Sessions);
}
