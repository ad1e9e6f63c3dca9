import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { groupOf } from '../plugins/app/auth/scopes.js';
import { actorOf, requestContext } from '../plugins/app/auth/request-context.js';
import { errorResponses } from '@rp/contract/common';
import {
  CreateGroupBody,
  GroupIdParams,
  GroupPage,
  GroupQuery,
  GroupView,
  MemberPage,
  MemberParams,
  MemberQuery,
  MemberView,
  SetMemberBody,
  UpdateGroupBody,
} from '@rp/contract/groups';
import { deleteOrArchive } from '../archive/service.js';
import { createGroup, getGroup, listGroups, listMembers, removeMember, setMember, updateGroup } from './service.js';

export const groupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/groups',
    { config: { permission: allow.user() }, schema: { tags: ['groups'], summary: 'Groups you belong to (all, for administrators)', querystring: GroupQuery, response: { 200: GroupPage, ...errorResponses } } },
    async (request) => listGroups({ db: app.db, actor: actorOf(request) }, request.query),
  );

  app.post(
    '/api/groups',
    { config: { permission: allow.admin() }, schema: { tags: ['groups'], summary: 'Create a group', body: CreateGroupBody, response: { 201: GroupView, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createGroup({ db: app.db, actor: actorOf(request), ctx: requestContext(request) }, request.body)),
  );

  app.get(
    '/api/groups/:groupId',
    { config: { permission: allow.group('viewer', groupOf.group.fromParam('groupId')) }, schema: { tags: ['groups'], summary: 'One group', params: GroupIdParams, response: { 200: GroupView, ...errorResponses } } },
    async (request) => getGroup({ db: app.db, actor: actorOf(request) }, { id: request.params.groupId }),
  );

  app.patch(
    '/api/groups/:groupId',
    {
      config: { permission: allow.group('owner', groupOf.group.fromParam('groupId')) },
      schema: { tags: ['groups'], summary: 'Rename or describe a group', params: GroupIdParams, body: UpdateGroupBody, response: { 200: GroupView, ...errorResponses } },
    },
    async (request) => updateGroup({ db: app.db, actor: actorOf(request), ctx: requestContext(request) }, { id: request.params.groupId, changes: request.body }),
  );

  app.delete(
    '/api/groups/:groupId',
    { config: { permission: allow.admin() }, schema: { tags: ['groups'], summary: 'Archive a group whose projects have releases (history kept), or delete it when none do', params: GroupIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteOrArchive({ db: app.db, ctx: requestContext(request) }, 'group', request.params.groupId);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/groups/:groupId/members',
    {
      config: { permission: allow.group('viewer', groupOf.group.fromParam('groupId')) },
      schema: { tags: ['groups'], summary: 'Members and their roles', params: GroupIdParams, querystring: MemberQuery, response: { 200: MemberPage, ...errorResponses } },
    },
    async (request) => listMembers({ db: app.db }, { groupId: request.params.groupId, page: request.query.page, pageSize: request.query.pageSize }),
  );

  app.put(
    '/api/groups/:groupId/members/:userId',
    {
      config: { permission: allow.group('owner', groupOf.group.fromParam('groupId')) },
      schema: { tags: ['groups'], summary: 'Add a member or change their role', params: MemberParams, body: SetMemberBody, response: { 200: MemberView, ...errorResponses } },
    },
    async (request) => setMember({ db: app.db, ctx: requestContext(request) }, { ...request.params, role: request.body.role }),
  );

  app.delete(
    '/api/groups/:groupId/members/:userId',
    { config: { permission: allow.group('owner', groupOf.group.fromParam('groupId')) }, schema: { tags: ['groups'], summary: 'Remove a member', params: MemberParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await removeMember({ db: app.db, ctx: requestContext(request) }, request.params);
      return reply.code(204).send(null);
    },
  );
};
