import type { GroupRole, TokenScope } from '../../../generated/prisma/enums.js';

/** Who is making a request, resolved once per request from a session JWT or an API token. */
export interface Actor {
  userId: string;
  username: string;
  isAdmin: boolean;
  roles: ReadonlyMap<string, GroupRole>;
  via: 'session' | 'token';
  sessionId?: string;
  tokenId?: string;
  /** Set for API tokens: the most the token may do, on top of what its user may do. */
  tokenScope?: TokenScope;
}

export interface RequestContext {
  actorId: string | null;
  actorName: string;
  ip: string | null;
  userAgent: string | null;
}
