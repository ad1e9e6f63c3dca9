import type { FastifyError, FastifyInstance } from 'fastify';
import { DomainError } from '../../shared/errors.js';

interface FieldError {
  location: string;
  field: string;
  message: string;
}

function fieldErrors(error: FastifyError): FieldError[] {
  const location = error.validationContext ?? 'body';
  return (error.validation ?? []).map((issue) => {
    const params = issue.params as Record<string, unknown>;
    const path = issue.instancePath.replace(/^\//, '').replaceAll('/', '.');
    if (issue.keyword === 'required') {
      return { location, field: [path, params.missingProperty].filter(Boolean).join('.'), message: 'is required' };
    }
    if (issue.keyword === 'additionalProperties') {
      return { location, field: [path, params.additionalProperty].filter(Boolean).join('.'), message: 'is not an allowed field' };
    }
    return { location, field: path || location, message: issue.message ?? 'is invalid' };
  });
}

/** Framework errors that are the client's fault, mapped to stable codes the SPA and scripts can rely on. */
const clientErrors: Record<string, { status: number; code: string; message: string }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'Request body is not valid JSON' },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'INVALID_JSON', message: 'Request body is empty but Content-Type is application/json' },
  FST_ERR_CTP_BODY_TOO_LARGE: { status: 413, code: 'PAYLOAD_TOO_LARGE', message: 'Request body is too large' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE', message: 'Unsupported Content-Type; send application/json' },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: { status: 400, code: 'INVALID_CONTENT_LENGTH', message: 'Content-Length does not match the body' },
};

/**
 * Database refusals that a check in the service normally prevents, but that a race (two creates of one name at
 * once, a row deleted meanwhile) or an oversized value can still produce: the client's problem, not a server fault.
 * A broken foreign key is left a 500: that is our bug, and it must be logged.
 */
const databaseErrors: Record<string, { status: number; code: string; message: string }> = {
  P2000: { status: 400, code: 'VALIDATION', message: 'A value is too long for its field' },
  P2002: { status: 409, code: 'CONFLICT', message: 'Something with the same name or key already exists' },
  P2025: { status: 404, code: 'NOT_FOUND', message: 'Not found (it may have just been deleted)' },
};

export function registerErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      return reply.code(error.statusCode).send({ error: { code: error.code, message: error.message, details: error.details } });
    }
    if (error.validation) {
      const details = fieldErrors(error);
      const first = details[0];
      const message = first ? `${first.location}.${first.field}: ${first.message}` : 'Invalid request';
      return reply.code(400).send({ error: { code: 'VALIDATION', message, details } });
    }
    const known = error.code ? (error.name === 'PrismaClientKnownRequestError' ? databaseErrors : clientErrors)[error.code] : undefined;
    if (known) return reply.code(known.status).send({ error: { code: known.code, message: known.message } });
    if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
      return reply.code(error.statusCode).send({ error: { code: error.code ?? 'BAD_REQUEST', message: error.message } });
    }
    request.log.error({ err: error }, 'unhandled error');
    return reply.code(500).send({ error: { code: 'INTERNAL', message: 'Internal server error', details: { requestId: request.id } } });
  });
}
