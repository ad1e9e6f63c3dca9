import type { GroupResolver } from '../plugins/app/auth/permissions.js';

/** The group of the channel named by the path's `id`; null (global, or none) leaves the route to administrators. */
export const channelGroup: GroupResolver = async (request) => {
  const { id } = request.params as { id: string };
  return (await request.server.db.notificationChannel.findUnique({ where: { id }, select: { groupId: true } }))?.groupId ?? null;
};
