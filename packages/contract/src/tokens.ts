import { Type, type Static } from 'typebox';
import { TOKEN_SCOPES } from './rules.js';
import { Page, PageQuery, Str, Uuid } from './common.js';

export const Scope = Type.Enum(TOKEN_SCOPES);

export const TokenView = Type.Object({
  id: Uuid,
  name: Type.String(),
  prefix: Type.String({ description: 'The first characters of the token, to recognise it' }),
  scope: Scope,
  userId: Uuid,
  username: Type.String(),
  expiresAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastUsedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  revokedAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
});
export const TokenPage = Page(TokenView);

export const TokenQuery = Type.Object(
  { ...PageQuery, all: Type.Optional(Type.Boolean({ description: 'every user\'s tokens (administrators only)' })) },
  { additionalProperties: false },
);

export const CreateTokenBody = Type.Object(
  {
    name: Str(100, { minLength: 1 }),
    scope: Scope,
    expiresInDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 3650 })),
  },
  { additionalProperties: false },
);

export const CreatedToken = Type.Object({
  token: Type.String({ description: 'Shown once: only its hash is stored' }),
  apiToken: TokenView,
});

export const TokenIdParams = Type.Object({ id: Uuid }, { additionalProperties: false });

export type Scope = Static<typeof Scope>;
export type TokenView = Static<typeof TokenView>;
export type TokenPage = Static<typeof TokenPage>;
export type TokenQuery = Static<typeof TokenQuery>;
export type CreateTokenBody = Static<typeof CreateTokenBody>;
export type CreatedToken = Static<typeof CreatedToken>;
export type TokenIdParams = Static<typeof TokenIdParams>;
