import { Type, type Static } from 'typebox';
import { CREDENTIAL_KINDS } from './rules.js';
import { Line, Name, NullableUuid, Timestamps } from './fields.js';
import { Page, PageQuery, Str, Uuid } from './common.js';

export const CredentialKind = Type.Enum(CREDENTIAL_KINDS);

/** What the API shows of a credential: never the private key or token, which exist only as ciphertext. */
export const CredentialView = Type.Object({
  id: Uuid,
  groupId: Type.Union([Uuid, Type.Null()], { description: 'null: a global credential' }),
  name: Type.String(),
  description: Type.String(),
  kind: CredentialKind,
  username: Type.Union([Type.String(), Type.Null()]),
  publicKey: Type.Union([Type.String(), Type.Null()], { description: 'ssh_key: the OpenSSH public key line for authorized_keys' }),
  fingerprint: Type.Union([Type.String(), Type.Null()], { description: 'ssh_key: SHA256 fingerprint of the public key' }),
  boundHost: Type.Union([Type.String(), Type.Null()], { description: 'git_token: the only Git host the token is ever sent to' }),
  ...Timestamps,
});
export const CredentialPage = Page(CredentialView);

export const CredentialQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Line(100)),
    groupId: Type.Optional(Uuid),
    global: Type.Optional(Type.Boolean({ description: 'only global credentials (true) or only group ones (false)' })),
    kind: Type.Optional(CredentialKind),
  },
  { additionalProperties: false },
);

const PrivateKey = Str(16_384, { minLength: 1, description: 'OpenSSH or PEM private key without passphrase; write-only' });
const Token = Line(4096, { minLength: 1, description: 'write-only' });
const BoundHost = Str(255, {
  minLength: 1,
  pattern: '^[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?$',
  description: 'git_token: the Git host (name or address, no port) the token may be sent to; by default the host of the first project using it',
});

export const CreateCredentialBody = Type.Object(
  {
    groupId: Type.Optional(NullableUuid),
    name: Name(100),
    description: Type.Optional(Line(500)),
    kind: CredentialKind,
    privateKey: Type.Optional(PrivateKey),
    generate: Type.Optional(Type.Boolean({ description: 'ssh_key: generate an ed25519 key pair instead of uploading one' })),
    username: Type.Optional(Line(128)),
    token: Type.Optional(Token),
    boundHost: Type.Optional(BoundHost),
  },
  { additionalProperties: false },
);

export const UpdateCredentialBody = Type.Object(
  {
    name: Type.Optional(Name(100)),
    description: Type.Optional(Line(500)),
    username: Type.Optional(Type.Union([Line(128), Type.Null()])),
    privateKey: Type.Optional(PrivateKey),
    token: Type.Optional(Token),
    boundHost: Type.Optional(BoundHost),
  },
  { additionalProperties: false, minProperties: 1 },
);

export type CredentialKind = Static<typeof CredentialKind>;
export type CredentialView = Static<typeof CredentialView>;
export type CredentialPage = Static<typeof CredentialPage>;
export type CredentialQuery = Static<typeof CredentialQuery>;
export type CreateCredentialBody = Static<typeof CreateCredentialBody>;
export type UpdateCredentialBody = Static<typeof UpdateCredentialBody>;
