import type { FastifyBaseLogger, FastifyRequest } from 'fastify';

/** Query values that are credentials: a live-channel ticket, and a token an old client may still send. */
const SECRET_PARAMS = new Set(['token', 'ticket']);
/** A trigger token is the whole credential of `POST /api/trigger/<token>`. */
const TRIGGER_PATH = /^(\/+api\/+trigger\/+)[^/?#]+/i;
const REDACTED = '[redacted]';

function decodedKey(raw: string): string {
  try {
    return decodeURIComponent(raw.replaceAll('+', ' ')).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

/** The URL as it may be written to a log: credentials in the path or the query replaced by `[redacted]`. */
export function redactUrl(url: string): string {
  const mark = url.indexOf('?');
  const path = (mark < 0 ? url : url.slice(0, mark)).replace(TRIGGER_PATH, `$1${REDACTED}`);
  if (mark < 0) return path;
  const query = url
    .slice(mark + 1)
    .split('&')
    .map((pair) => {
      const key = pair.split('=', 1)[0] ?? '';
      return SECRET_PARAMS.has(decodedKey(key)) ? `${key}=${REDACTED}` : pair;
    })
    .join('&');
  return `${path}?${query}`;
}

/** Fastify's request serializer, with the URL redacted: every request line the API logs goes through it. */
function request(req: FastifyRequest) {
  return { method: req.method, url: redactUrl(req.url), host: req.host, remoteAddress: req.ip, remotePort: req.socket?.remotePort };
}

/** The logger Fastify should use: the given one, with credentials kept out of request lines. */
export function withLogRedaction(logger: FastifyBaseLogger): FastifyBaseLogger {
  return logger.child({}, { serializers: { req: request } });
}
