import type { FastifyRequest } from 'fastify';

/**
 * GitLab's ways to present a personal access token to the REST API: the `PRIVATE-TOKEN` header, an OAuth-style
 * `Authorization: Bearer` header, or the `private_token` / `access_token` query parameters.
 */
export function presentedToken(request: FastifyRequest): string | undefined {
  const header = request.headers['private-token'];
  if (typeof header === 'string') return header;
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ')) return authorization.slice('Bearer '.length);
  const query = request.query as Record<string, string | undefined>;
  return query.private_token ?? query.access_token;
}

/** Git over HTTP takes the token as the Basic password (GitLab's documented user name is `oauth2`, any is accepted). */
export function basicPassword(authorization: string | undefined): string | undefined {
  if (!authorization?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(authorization.slice('Basic '.length), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}
