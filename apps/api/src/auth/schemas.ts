import { Type } from 'typebox';
import { Str } from '../shared/schemas.js';
import { NewPassword, UserView } from '../users/schemas.js';

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
