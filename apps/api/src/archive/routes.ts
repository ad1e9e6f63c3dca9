import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { errorResponses, IdParams } from '@rp/contract/common';
import { GroupIdParams } from '@rp/contract/groups';
import { allow } from '../plugins/app/auth/permissions.js';
import { requestContext } from '../plugins/app/auth/request-context.js';
import { purge, unarchive, type Archivable } from './service.js';

/** The same two administrator actions on each archivable resource; its owners' DELETE lives with the resource. */
const resources: { kind: Archivable; path: string; param: 'id' | 'groupId'; params: typeof IdParams | typeof GroupIdParams; tag: string }[] = [
  { kind: 'group', path: '/api/groups/:groupId', param: 'groupId', params: GroupIdParams, tag: 'groups' },
  { kind: 'project', path: '/api/projects/:id', param: 'id', params: IdParams, tag: 'projects' },
  { kind: 'environment', path: '/api/environments/:id', param: 'id', params: IdParams, tag: 'environments' },
];

export const archiveRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const admin = { config: { permission: allow.admin() } };
  for (const { kind, path, param, params, tag } of resources) {
    const schema = (summary: string) => ({ tags: [tag], summary, params, response: { 204: Type.Null(), ...errorResponses } });
    const idOf = (request: { params: unknown }) => (request.params as Record<string, string>)[param] as string;

    app.post(`${path}/unarchive`, { ...admin, schema: schema(`Bring an archived ${kind} back (administrators)`) }, async (request, reply) => {
      await unarchive({ db: app.db, ctx: requestContext(request) }, kind, idOf(request));
      return reply.code(204).send(null);
    });

    app.post(
      `${path}/purge`,
      { ...admin, schema: schema(`Delete the ${kind} for good, with its releases and logs (administrators; the audit log keeps its entries)`) },
      async (request, reply) => {
        await purge({ db: app.db, ctx: requestContext(request) }, kind, idOf(request));
        return reply.code(204).send(null);
      },
    );
  }
};
