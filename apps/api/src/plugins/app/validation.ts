import { Ajv, type Options } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { DomainError } from '../../shared/errors.js';

// ajv-formats is CommonJS with a default export; under NodeNext the callable sits on `.default`.
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;

function compiler(options: Options): Ajv {
  // removeAdditional: false — an unknown field is an error, never silently dropped: a typo must not look like success.
  const ajv = new Ajv({ removeAdditional: false, useDefaults: true, allErrors: false, strict: false, ...options });
  addFormats(ajv);
  return ajv;
}

/**
 * JSON bodies are validated strictly: `{"name": 42}` is a wrong type, not the string "42". Query strings and path
 * parameters arrive as text, so only they are coerced to the declared numbers and booleans.
 */
export function registerValidation(app: FastifyInstance): void {
  const strict = compiler({ coerceTypes: false });
  const coercing = compiler({ coerceTypes: 'array' });
  app.setValidatorCompiler<FastifySchema>(({ schema, httpPart }) =>
    (httpPart === 'body' ? strict : coercing).compile(schema as object),
  );
  app.addHook('preValidation', async (request) => {
    for (const location of ['params', 'querystring', 'body'] as const) {
      const problem = unstorableText(location === 'querystring' ? request.query : request[location]);
      if (problem !== null) {
        const field = problem || location;
        const message = 'must not contain NUL bytes or unpaired UTF-16 surrogates';
        throw new DomainError('VALIDATION', 400, `${location}.${field}: ${message}`, [{ location, field, message }]);
      }
    }
    // A POST without a body means "no options": the schema decides whether that is enough, not the framework.
    if (request.body === undefined && request.routeOptions.schema?.body) request.body = {};
  });
}

// eslint-disable-next-line no-control-regex -- NUL is exactly what this looks for
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The path of the first string (value or key) PostgreSQL cannot store: NUL is refused by text columns, and an unpaired
 * surrogate by JSONB (the audit details). Checked for every route at once, so no schema can forget it. Iterative,
 * so a deeply nested body cannot overflow the stack.
 */
export function unstorableText(input: unknown): string | null {
  const pending: [unknown, string][] = [[input, '']];
  for (let item = pending.pop(); item; item = pending.pop()) {
    const [value, path] = item;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) return path;
    } else if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value)) {
      for (const [key, child] of Object.entries(value)) {
        const childPath = path ? `${path}.${key}` : key;
        if (UNSTORABLE.test(key)) return childPath;
        pending.push([child, childPath]);
      }
    }
  }
  return null;
}
