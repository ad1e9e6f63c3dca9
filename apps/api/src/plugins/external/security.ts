import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance } from 'fastify';
import { DomainError } from '../../shared/errors.js';
import { registerSecurityHeaders } from '../app/security-headers.js';

export async function registerSecurity(app: FastifyInstance): Promise<void> {
  registerSecurityHeaders(app, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        // Element Plus positions popovers with inline styles; scripts stay same-origin only.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'", 'ws:', 'wss:'],
        upgradeInsecureRequests: null,
      },
    },
  });
  // Opt-in per route (login); the API itself is behind authentication.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new DomainError('RATE_LIMITED', 429, `登录尝试过于频繁，请 ${Math.ceil(context.ttl / 1000)} 秒后再试 / Too many attempts, retry in ${Math.ceil(context.ttl / 1000)} s`, {
        retryAfterSeconds: Math.ceil(context.ttl / 1000),
      }),
  });
}
