import { randomBytes } from 'node:crypto';
import type { WsTicketView } from '@rp/contract/live';
import type { Actor } from '../plugins/app/auth/actor.js';
import { hashToken } from '../plugins/app/auth/authenticate.js';
import type { Db } from '../shared/db.js';

/** Long enough to open a socket after asking, short enough that a ticket that leaked into a log is already dead. */
export const TICKET_SECONDS = 30;

/**
 * Issues a single-use ticket for one WebSocket handshake, standing for the session or API token that asked. Only
 * its hash is stored; `authenticate()` consumes it.
 */
export async function issueTicket(db: Db, actor: Actor): Promise<WsTicketView> {
  const ticket = randomBytes(32).toString('base64url');
  const now = Date.now();
  const expiresAt = new Date(now + TICKET_SECONDS * 1000);
  // Issuing is the only thing that adds rows, so it is also where the dead ones go: the table stays tiny.
  await db.wsTicket.deleteMany({ where: { expiresAt: { lte: new Date(now) } } });
  await db.wsTicket.create({
    data: { id: hashToken(ticket), userId: actor.userId, sessionId: actor.sessionId ?? null, tokenId: actor.tokenId ?? null, expiresAt },
  });
  return { ticket, expiresAt: expiresAt.toISOString() };
}
