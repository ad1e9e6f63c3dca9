import { Type, type Static } from 'typebox';
import { Str } from './common.js';
import { DEFAULT_KEYWORD, DEFAULT_SKIP_MARKER, REF_PATTERN_CHARS } from './rules.js';

/** What a webhook delivery may release on: a branch push, a tag push, or a GitLab pipeline that succeeded. */
export const AutoReleaseEvent = Type.Union([Type.Literal('push'), Type.Literal('tag_push'), Type.Literal('pipeline')]);

const Pattern = Str(100, { minLength: 1, pattern: REF_PATTERN_CHARS, description: 'glob: * any run of characters (slashes too), ? one; e.g. main, release/*, v*' });
const Patterns = (description?: string) => Type.Array(Pattern, { maxItems: 20, uniqueItems: true, ...(description ? { description } : {}) });

/**
 * When a delivery to the project's webhook releases to this environment by itself. Replaced whole on update; an
 * omitted field takes its default.
 */
export const AutoReleaseInput = Type.Object(
  {
    enabled: Type.Boolean(),
    events: Type.Optional(Type.Array(AutoReleaseEvent, { minItems: 1, maxItems: 3, uniqueItems: true, description: 'default ["push"]' })),
    branches: Type.Optional(Patterns('branch globs for push and pipeline events')),
    tags: Type.Optional(Patterns('tag globs for tag push and pipeline events')),
    keyword: Type.Optional(
      Str(64, { pattern: '^[^\\s]*$', description: `a word the head commit's message must contain, any case (default "${DEFAULT_KEYWORD}"); empty: every push` }),
    ),
    skipMarker: Type.Optional(Str(64, { description: `a message containing it, any case, is never released (default "${DEFAULT_SKIP_MARKER}"); empty: none` })),
    onNewer: Type.Optional(
      Type.Union([Type.Literal('queue'), Type.Literal('supersede')], {
        description: 'queue (default): every matching push is released in order; supersede: a newer one cancels older auto-releases still waiting',
      }),
    ),
  },
  { additionalProperties: false },
);

export const AutoReleaseView = Type.Object({
  enabled: Type.Boolean(),
  events: Type.Array(AutoReleaseEvent),
  branches: Patterns(),
  tags: Patterns(),
  keyword: Type.String(),
  skipMarker: Type.String(),
  onNewer: Type.Union([Type.Literal('queue'), Type.Literal('supersede')]),
});

export type AutoReleaseEvent = Static<typeof AutoReleaseEvent>;
export type AutoReleaseInput = Static<typeof AutoReleaseInput>;
export type AutoReleaseView = Static<typeof AutoReleaseView>;
