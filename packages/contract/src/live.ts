import { Type, type Static } from 'typebox';
import { Str } from './common.js';
import { Seq } from './fields.js';

/** A single-use credential for one WebSocket handshake, so the session token never travels in a URL. */
export const WsTicketView = Type.Object({
  ticket: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
});

export const LiveQuery = Type.Object(
  {
    since: Type.Optional(Seq()),
    ticket: Type.Optional(Str(128)),
  },
  { additionalProperties: false },
);

export type WsTicketView = Static<typeof WsTicketView>;
