import { Type, type Static } from 'typebox';
import { Line } from './fields.js';
import { Page, PageQuery, Uuid } from './common.js';

export const GitHostKeyFingerprint = Type.Object({
  type: Type.String({ description: 'the key type as ssh names it, e.g. ssh-ed25519' }),
  fingerprint: Type.String({ description: 'SHA256:…, as ssh-keygen -lf prints it' }),
});

/** The SSH host keys pinned for one Git host and port: ssh accepts only these from it until an administrator resets them. */
export const GitHostKeyView = Type.Object({
  id: Uuid,
  host: Type.String(),
  port: Type.Integer(),
  fingerprints: Type.Array(GitHostKeyFingerprint),
  pinnedAt: Type.String({ format: 'date-time' }),
  pinnedBy: Type.Union([Type.String(), Type.Null()], { description: 'whose Git call pinned it; "system" for the worker' }),
});
export const GitHostKeyPage = Page(GitHostKeyView);

export const GitHostKeyQuery = Type.Object({ ...PageQuery, q: Type.Optional(Line(255, { description: 'part of the host name' })) }, { additionalProperties: false });

export type GitHostKeyView = Static<typeof GitHostKeyView>;
export type GitHostKeyPage = Static<typeof GitHostKeyPage>;
export type GitHostKeyQuery = Static<typeof GitHostKeyQuery>;
