import { Type, type Static } from 'typebox';
import { Role } from './groups.js';
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_PATTERN } from './rules.js';
import { Page, PageQuery, Str, Uuid } from './common.js';

const Username = Str(64, { minLength: 2, pattern: USERNAME_PATTERN, description: 'letters, digits, . _ -' });
export const NewPassword = Str(PASSWORD_MAX, {
  minLength: PASSWORD_MIN,
  description: `${PASSWORD_MIN}-${PASSWORD_MAX} characters mixing at least two of lower case, upper case, digits, symbols; not containing the username`,
});
/** "local": the password is checked here; "ldap": the directory checks it and the platform holds none. */
export const UserSource = Type.Union([Type.Literal('local'), Type.Literal('ldap')]);
const Email = Type.String({ format: 'email', maxLength: 254 });

export const MembershipView = Type.Object({
  groupId: Uuid,
  groupName: Type.String(),
  role: Role,
});

export const UserView = Type.Object({
  id: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  isAdmin: Type.Boolean(),
  disabled: Type.Boolean(),
  source: UserSource,
  /** Consecutive failed logins since the last success or lock. */
  failedLogins: Type.Integer({ minimum: 0 }),
  /** Set while the account is locked after too many failed logins; an administrator can unlock it earlier. */
  lockedUntil: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  lastLoginAt: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
  createdAt: Type.String({ format: 'date-time' }),
  memberships: Type.Array(MembershipView),
});

export const UserPage = Page(UserView);

export const UserQuery = Type.Object(
  { ...PageQuery, q: Type.Optional(Str(64)), disabled: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const CreateUserBody = Type.Object(
  {
    username: Username,
    displayName: Type.Optional(Str(128, { minLength: 1 })),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    password: NewPassword,
    isAdmin: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

export const UpdateUserBody = Type.Object(
  {
    displayName: Type.Optional(Str(128, { minLength: 1 })),
    email: Type.Optional(Type.Union([Email, Type.Null()])),
    password: Type.Optional(NewPassword),
    isAdmin: Type.Optional(Type.Boolean()),
    disabled: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false, minProperties: 1 },
);

export type NewPassword = Static<typeof NewPassword>;
export type UserSource = Static<typeof UserSource>;
export type MembershipView = Static<typeof MembershipView>;
export type UserView = Static<typeof UserView>;
export type UserPage = Static<typeof UserPage>;
export type UserQuery = Static<typeof UserQuery>;
export type CreateUserBody = Static<typeof CreateUserBody>;
export type UpdateUserBody = Static<typeof UpdateUserBody>;
