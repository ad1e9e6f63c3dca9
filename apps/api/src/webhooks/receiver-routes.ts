import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses } from '@rp/contract/common';
import { HookParams, ReceiverAnswer, type WebhookKind } from '@rp/contract/webhooks';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { Invalid } from '../shared/errors.js';
import { receive } from './receiver.js';

/** Deliveries are small JSON; a larger body is refused (413) before it is read whole. */
const RECEIVER_BODY_LIMIT = 1024 * 1024;

interface Delivered {
  raw: Buffer;
  json: unknown;
}

const SUMMARIES: Record<WebhookKind, string> = {
  gitlab: 'GitLab webhook receiver (push, tag push, pipeline); X-Gitlab-Token carries the secret',
  github: 'GitHub webhook receiver (push); X-Hub-Signature-256 signs the body with the secret',
  gitee: 'Gitee webhook receiver (push, tag push); X-Gitee-Token carries the password or a signature',
};

/**
 * The public receivers, in a context of their own: JSON is parsed here keeping the exact bytes received, because
 * GitHub signs those bytes, not any re-serialisation of them.
 */
export const receiverRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit: RECEIVER_BODY_LIMIT }, (_request, body, done) => {
    const raw = body as Buffer;
    try {
      done(null, { raw, json: JSON.parse(raw.toString('utf8')) } satisfies Delivered);
    } catch {
      done(new Invalid('body', 'is not valid JSON'), undefined);
    }
  });

  for (const kind of ['gitlab', 'github', 'gitee'] as const) {
    app.post(
      `/api/webhooks/${kind}/:hookId`,
      {
        // The secret (or the signature made with it) is the credential; the handler checks it in constant time.
        config: { permission: allow.public(), rateLimit: { max: 600, timeWindow: '1 minute' } },
        bodyLimit: RECEIVER_BODY_LIMIT,
        schema: { tags: ['webhooks'], summary: SUMMARIES[kind], params: HookParams, response: { 200: ReceiverAnswer, ...errorResponses } },
      },
      async (request) => {
        const delivered = request.body as Delivered | undefined;
        const { ip, userAgent } = requestContext(request);
        return receive(
          { db: app.db, secrets: app.secrets, privateHosts: app.config.gitPrivateHosts },
          { kind, hookId: request.params.hookId, headers: request.headers, raw: delivered?.raw ?? Buffer.alloc(0), body: delivered?.json, request: { ip, userAgent } },
        );
      },
    );
  }
};
