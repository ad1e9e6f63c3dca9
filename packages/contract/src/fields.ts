import { Type, type Static } from 'typebox';
import { Str } from './common.js';

/** A single-line text field: a newline or NUL in a name or path ends up in a log line or a command someday. */
export const Line = (maxLength: number, opts: { minLength?: number; description?: string } = {}) =>
  Str(maxLength, { ...opts, pattern: '^[^\\r\\n\\u0000]*$' });

/** A display name: one line, no leading or trailing spaces. */
export const Name = (maxLength: number) =>
  Str(maxLength, { minLength: 1, pattern: '^[^\\s\\u0000](?:[^\\r\\n\\u0000]*[^\\s\\u0000])?$', description: 'one line, no leading or trailing spaces' });

/** A name that ends up in paths and commands on target hosts (projects, environments). */
export const Slug = (maxLength: number) =>
  Str(maxLength, { minLength: 1, pattern: '^(?!.*\\.\\.)[A-Za-z0-9][A-Za-z0-9._-]*$', description: 'letters, digits, ".", "_" and "-", starting with a letter or digit, no ".."' });

/** A multi-line script (hooks, build and restart commands); NUL is never meaningful in a shell script. */
export const Script = (maxLength: number) => Str(maxLength, { pattern: '^[^\\u0000]*$' });

export const NullableUuid = Type.Union([Type.String({ format: 'uuid', maxLength: 36 }), Type.Null()]);

export const Timestamps = {
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};

export type NullableUuid = Static<typeof NullableUuid>;
