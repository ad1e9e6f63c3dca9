import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { allow } from '../plugins/app/auth/permissions.js';
import { errorResponses } from '@rp/contract/common';
import { AuditPage, AuditQuery } from '@rp/contract/audit';
import { listAudit } from './service.js';

export const auditRoutes: FastifyPluginAsyncTypebox = async (app) => {
  app.get(
    '/api/audit',
    {
      config: { permission: allow.admin() },
      schema: { tags: ['audit'], summary: 'Search the audit log', querystring: AuditQuery, response: { 200: AuditPage, ...errorResponses } },
    },
    async (request) => listAudit({ db: app.db }, request.query),
  );
};
