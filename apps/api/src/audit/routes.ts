import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { allow } from '../auth/permissions.js';
import { errorResponses } from '../shared/schemas.js';
import { AuditPage, AuditQuery } from './schemas.js';
import { listAudit } from './service.js';

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/audit',
    {
      config: { permission: allow.admin() },
      schema: { tags: ['audit'], summary: 'Search the audit log', querystring: AuditQuery, response: { 200: AuditPage, ...errorResponses } },
    },
    async (request) => listAudit(app.db, request.query),
  );
};
