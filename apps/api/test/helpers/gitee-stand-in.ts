import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

export interface GiteeStandIn {
  url: string;
  close(): Promise<void>;
}

/**
 * Gitee's v5 REST API as far as the platform uses it so far, from Gitee's documentation: `GET /api/v5/user` with the
 * token in the `access_token` parameter answers the account; a bad token gets 401 `{"message":"401 Unauthorized: Access token does not exist"}`.
 */
export async function startGiteeStandIn(o: { token: string; login: string }): Promise<GiteeStandIn> {
  const app = Fastify();
  app.get<{ Querystring: { access_token?: string } }>('/api/v5/user', async (request, reply) => {
    if (request.query.access_token !== o.token) return reply.code(401).send({ message: '401 Unauthorized: Access token does not exist' });
    return { id: 7, login: o.login, name: o.login, html_url: `https://gitee.example/${o.login}`, type: 'User' };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
