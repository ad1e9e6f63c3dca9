import { Type, type Static } from 'typebox';
import { Role } from './groups.js';
import { PASSWORD_MAX, PASSWORD_MIN, USERNAME_PATTERN } from './rules.js';
import { Page, PageQuery, Str, Uuid } from './common.js';

const Username = Str(64, { minLength: 2, pattern: USERNAME_PATTERN, description: 'letters, digits, . _ -' });
export const NewPassword = Str(PASSWORD_MAX, { minLength: PASSWORD_MIN });
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
export type MembershipView = Static<typeof MembershipView>;
export type UserView = Static<typeof UserView>;
export type UserPage = Static<typeof UserPage>;
export type UserQuery = Static<typeof UserQuery>;
export type CreateUserBody = Static<typeof CreateUserBody>;
export type UpdateUserBody = Static<typeof UpdateUserBody>;
