import { Type, type Static } from 'typebox';
import { Str } from './common.js';
import { NewPassword, UserView } from './users.js';

export const LoginBody = Type.Object(
  { username: Str(64, { minLength: 1 }), password: Str(256, { minLength: 1 }) },
  { additionalProperties: false },
);

export const SessionView = Type.Object({
  token: Type.String(),
  expiresAt: Type.String({ format: 'date-time' }),
  user: UserView,
});

export const ChangePasswordBody = Type.Object(
  { currentPassword: Str(256, { minLength: 1 }), newPassword: NewPassword },
  { additionalProperties: false },
);

export type LoginBody = Static<typeof LoginBody>;
export type SessionView = Static<typeof SessionView>;
export type ChangePasswordBody = Static<typeof ChangePasswordBody>;
