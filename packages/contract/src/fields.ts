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

/**
 * A branch, tag or commit as git check-ref-format allows it, and never an option: no control characters, space,
 * `~^:?*[\\`, `..`, `@{`, `//`, a leading `-` or `/`, a component starting with `.` or ending with `.lock`,
 * nor a trailing `/` or `.`. Refused here, a bad ref is a 400 naming the field rather than Git's failure as a 502.
 */
export const RefName = (opts: { description?: string } = {}) =>
  Str(255, {
    minLength: 1,
    pattern: String.raw`^(?![-/.])(?!.*(?:\.\.|@\{|//|/\.|\.lock/))(?!.*(?:\.lock|[/.])$)(?!@$)[^\u0000-\u0020\u007f~^:?*\[\\]+$`,
    description: 'branch, tag or full 40-character commit SHA, as git check-ref-format allows it',
    ...opts,
  });

/** A log sequence number as stored (PostgreSQL int4): a larger one could never match, and the query could not run. */
export const Seq = (opts: { default?: number; description?: string } = {}) => Type.Integer({ minimum: 0, maximum: 2_147_483_647, ...opts });

/**
 * Lists hide archived rows unless asked: `true` shows them alongside the others, `only` shows nothing else.
 * A string rather than a boolean, because query strings are text and `only` is a third answer.
 */
export const ArchivedFilter = Type.Union([Type.Literal('false'), Type.Literal('true'), Type.Literal('only')], {
  description: 'archived rows: hidden (false, the default), shown too (true) or shown alone (only)',
});

/** When the row (or the project or group it belongs to) was archived; null while it is live. */
export const ArchivedAt = Type.Union([Type.String({ format: 'date-time' }), Type.Null()]);

export const NullableUuid = Type.Union([Type.String({ format: 'uuid', maxLength: 36 }), Type.Null()]);

export const Timestamps = {
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
};

export type NullableUuid = Static<typeof NullableUuid>;
export type ArchivedFilter = Static<typeof ArchivedFilter>;
