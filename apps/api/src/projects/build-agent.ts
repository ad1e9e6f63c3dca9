import type { ServerSpec } from '@rp/deploy-engine';
import type { DbTx } from '../shared/db.js';
import { Invalid } from '../shared/errors.js';
import type { SecretBox } from '../shared/secret-box.js';
import { serverSpec } from '../servers/spec.js';

/** A project builds on an agent of its own group only: another group's machine would run this group's code. */
export async function assertBuildAgent(tx: DbTx, groupId: string, serverId: string): Promise<void> {
  const server = await tx.server.findUnique({ where: { id: serverId }, select: { groupId: true, buildAgent: true } });
  if (!server || server.groupId !== groupId) throw new Invalid('body.buildAgentId', "must be a server of the project's group");
  if (!server.buildAgent) throw new Invalid('body.buildAgentId', 'must be a server marked as a build agent');
}

/** The project's build agent as the engine reaches it; none means the build runs on the platform host. */
export async function buildAgentSpec(db: DbTx, secrets: SecretBox, buildAgentId: string | null): Promise<ServerSpec | undefined> {
  if (!buildAgentId) return undefined;
  return serverSpec(db, secrets, await db.server.findUniqueOrThrow({ where: { id: buildAgentId } }));
}
