import Fastify from 'fastify';
import type { AddressInfo } from 'node:net';

export interface GitHubStandIn {
  /** The instance's web address, as a GitHub Enterprise Server's: its REST API is under `/api/v3`. */
  url: string;
  close(): Promise<void>;
}

/**
 * GitHub's REST API as far as the platform uses it so far, from GitHub's documentation: `GET /user` with
 * `Authorization: Bearer <token>` (or `token <token>`) answers the account, and a classic token's scopes in the
 * `X-OAuth-Scopes` header; a bad token gets 401 `{"message":"Bad credentials"}`.
 */
export async function startGitHubStandIn(o: { token: string; login: string; scopes: string[] }): Promise<GitHubStandIn> {
  const app = Fastify();
  app.get('/api/v3/user', async (request, reply) => {
    const auth = request.headers.authorization ?? '';
    if (auth !== `Bearer ${o.token}` && auth !== `token ${o.token}`) {
      return reply.code(401).send({ message: 'Bad credentials', documentation_url: 'https://docs.github.com/rest', status: '401' });
    }
    reply.header('x-oauth-scopes', o.scopes.join(', '));
    reply.header('x-github-media-type', 'github.v3; format=json');
    return { login: o.login, id: 1, type: 'User', site_admin: false, name: o.login, html_url: `http://github.example/${o.login}` };
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const { port } = app.server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
