import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { allow } from '../plugins/app/auth/permissions.js';
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
import { createGroup, deleteGroup, getGroup, listGroups, listMembers, removeMember, setMember, updateGroup } from './service.js';

const groupParam = (request: FastifyRequest) => (request.params as { groupId: string }).groupId;

export const groupRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/groups',
    { config: { permission: allow.user() }, schema: { tags: ['groups'], summary: 'Groups you belong to (all, for administrators)', querystring: GroupQuery, response: { 200: GroupPage, ...errorResponses } } },
    async (request) => listGroups(app.db, actorOf(request), request.query),
  );

  app.post(
    '/api/groups',
    { config: { permission: allow.admin() }, schema: { tags: ['groups'], summary: 'Create a group', body: CreateGroupBody, response: { 201: GroupView, ...errorResponses } } },
    async (request, reply) => reply.code(201).send(await createGroup(app.db, actorOf(request), request.body, requestContext(request))),
  );

  app.get(
    '/api/groups/:groupId',
    { config: { permission: allow.group('viewer', groupParam) }, schema: { tags: ['groups'], summary: 'One group', params: GroupIdParams, response: { 200: GroupView, ...errorResponses } } },
    async (request) => getGroup(app.db, actorOf(request), request.params.groupId),
  );

  app.patch(
    '/api/groups/:groupId',
    {
      config: { permission: allow.group('owner', groupParam) },
      schema: { tags: ['groups'], summary: 'Rename or describe a group', params: GroupIdParams, body: UpdateGroupBody, response: { 200: GroupView, ...errorResponses } },
    },
    async (request) => updateGroup(app.db, actorOf(request), request.params.groupId, request.body, requestContext(request)),
  );

  app.delete(
    '/api/groups/:groupId',
    { config: { permission: allow.admin() }, schema: { tags: ['groups'], summary: 'Delete a group', params: GroupIdParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await deleteGroup(app.db, request.params.groupId, requestContext(request));
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/api/groups/:groupId/members',
    {
      config: { permission: allow.group('viewer', groupParam) },
      schema: { tags: ['groups'], summary: 'Members and their roles', params: GroupIdParams, querystring: MemberQuery, response: { 200: MemberPage, ...errorResponses } },
    },
    async (request) => listMembers(app.db, request.params.groupId, request.query.page, request.query.pageSize),
  );

  app.put(
    '/api/groups/:groupId/members/:userId',
    {
      config: { permission: allow.group('owner', groupParam) },
      schema: { tags: ['groups'], summary: 'Add a member or change their role', params: MemberParams, body: SetMemberBody, response: { 200: MemberView, ...errorResponses } },
    },
    async (request) => setMember(app.db, request.params.groupId, request.params.userId, request.body.role, requestContext(request)),
  );

  app.delete(
    '/api/groups/:groupId/members/:userId',
    { config: { permission: allow.group('owner', groupParam) }, schema: { tags: ['groups'], summary: 'Remove a member', params: MemberParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (request, reply) => {
      await removeMember(app.db, request.params.groupId, request.params.userId, requestContext(request));
      return reply.code(204).send(null);
    },
  );
};
