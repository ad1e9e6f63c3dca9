import { Type, type Static } from 'typebox';
import { Line, Name, Timestamps } from './fields.js';
import { Page, PageQuery, Str, Uuid } from './common.js';

const Host = Str(255, { minLength: 1, pattern: '^[A-Za-z0-9]([A-Za-z0-9._:-]*[A-Za-z0-9])?$', description: 'host name, IPv4 or IPv6 address' });
const Port = Type.Integer({ minimum: 1, maximum: 65_535 });
const Username = Str(64, { minLength: 1, pattern: '^[A-Za-z_][A-Za-z0-9_.-]*$' });
const Label = Str(64, { minLength: 1, pattern: '^[A-Za-z0-9][A-Za-z0-9._:/=-]*$' });
const Labels = Type.Array(Label, { maxItems: 32, uniqueItems: true });
export const Fingerprint = Str(128, { pattern: '^SHA256:[A-Za-z0-9+/]{43}=?$', description: 'OpenSSH SHA256 fingerprint, as `ssh-keygen -lf` prints it' });

export const ServerView = Type.Object({
  id: Uuid,
  groupId: Uuid,
  name: Type.String(),
  description: Type.String(),
  host: Type.String(),
  port: Type.Integer(),
  username: Type.String(),
  credentialId: Uuid,
  credentialName: Type.String(),
  labels: Type.Array(Type.String()),
  hostKeyFingerprint: Type.Union([Type.String(), Type.Null()], { description: 'pinned host key; null until the first connection' }),
  buildAgent: Type.Boolean({ description: 'builds projects that name it instead of the platform host; never a release target' }),
  sudo: Type.Boolean({ description: 'the login user may run the service manager (and write its files) through `sudo -n`' }),
  lastTest: Type.Union(
    [
      Type.Object({
        at: Type.String({ format: 'date-time' }),
        ok: Type.Boolean(),
        errorCode: Type.Union([Type.String(), Type.Null()]),
        error: Type.Union([Type.String(), Type.Null()]),
      }),
      Type.Null(),
    ],
    { description: 'the last connection test, kept until the next one; null before the first' },
  ),
  ...Timestamps,
});
export const ServerPage = Page(ServerView);

export const ServerQuery = Type.Object(
  {
    ...PageQuery,
    q: Type.Optional(Line(100, { description: 'part of the name or host' })),
    groupId: Type.Optional(Uuid),
    label: Type.Optional(Label),
    buildAgent: Type.Optional(Type.Boolean({ description: 'only build agents (true) or only targets (false)' })),
  },
  { additionalProperties: false },
);

export const CreateServerBody = Type.Object(
  {
    groupId: Uuid,
    name: Name(100),
    description: Type.Optional(Line(500)),
    host: Host,
    port: Type.Optional(Port),
    username: Username,
    credentialId: Uuid,
    labels: Type.Optional(Labels),
    hostKeyFingerprint: Type.Optional(Fingerprint),
    buildAgent: Type.Optional(Type.Boolean()),
    sudo: Type.Optional(Type.Boolean({ description: 'the login user may run the service manager through `sudo -n`; default false' })),
  },
  { additionalProperties: false },
);

/** The pinned host key is not editable here: only an administrator may drop it (`…/host-key/reset`). */
export const UpdateServerBody = Type.Object(
  {
    name: Type.Optional(Name(100)),
    description: Type.Optional(Line(500)),
    host: Type.Optional(Host),
    port: Type.Optional(Port),
    username: Type.Optional(Username),
    credentialId: Type.Optional(Uuid),
    labels: Type.Optional(Labels),
    buildAgent: Type.Optional(Type.Boolean()),
    sudo: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export const ConnectionTestResult = Type.Object({
  ok: Type.Boolean(),
  latencyMs: Type.Integer(),
  fingerprint: Type.Union([Type.String(), Type.Null()], { description: 'the host key the server presented and we accepted' }),
  learned: Type.Boolean({ description: 'true when this test pinned the fingerprint (trust on first use)' }),
  output: Type.Optional(Type.String({ description: '`uname -a` on the server' })),
  errorCode: Type.Optional(Type.String()),
  error: Type.Optional(Type.String()),
});

export type Fingerprint = Static<typeof Fingerprint>;
export type ServerView = Static<typeof ServerView>;
export type ServerPage = Static<typeof ServerPage>;
export type ServerQuery = Static<typeof ServerQuery>;
export type CreateServerBody = Static<typeof CreateServerBody>;
export type UpdateServerBody = Static<typeof UpdateServerBody>;
export type ConnectionTestResult = Static<typeof ConnectionTestResult>;
