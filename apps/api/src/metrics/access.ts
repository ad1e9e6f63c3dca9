import type { FastifyRequest } from 'fastify';
import { Forbidden, Unauthorized } from '../shared/errors.js';
import { sameSecret } from '../webhooks/signatures.js';

const isLoopback = (address: string | undefined) => address === '::1' || /^(::ffff:)?127\./.test(address ?? '');

/** A proxy on this host is a loopback peer itself: what it relays comes from elsewhere. */
const isRelayed = (request: FastifyRequest) => ['x-forwarded-for', 'forwarded', 'x-real-ip'].some((name) => request.headers[name] !== undefined);

/**
 * Who may scrape `/metrics`: with METRICS_TOKEN, whoever sends it as a bearer token; without it, only clients on this
 * host that connect directly. Never a browser session: a scraper has none, and metrics are not the users' data.
 */
export function checkScraper(request: FastifyRequest, token: string | undefined): void {
  if (token !== undefined) {
    const given = /^Bearer (.+)$/i.exec(request.headers.authorization ?? '')?.[1];
    if (given === undefined || !sameSecret(given, token)) throw new Unauthorized('Send the METRICS_TOKEN as "Authorization: Bearer <token>"');
    return;
  }
  if (!isLoopback(request.socket.remoteAddress) || isRelayed(request)) {
    throw new Forbidden('Metrics are served to loopback clients only; set METRICS_TOKEN to scrape from elsewhere');
  }
}
