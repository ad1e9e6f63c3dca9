import { Type, type Static } from 'typebox';

/** How a release rolls out, as operators write it (environment defaults, or a release's own override). */
export const RolloutSpec = Type.Object(
  {
    strategy: Type.Union([Type.Literal('parallel'), Type.Literal('serial'), Type.Literal('batches')]),
    concurrency: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
    batches: Type.Optional(
      Type.Array(Type.Union([Type.Integer({ minimum: 1, maximum: 100_000 }), Type.String({ pattern: '^(100|[1-9]?[0-9])%$', maxLength: 4 })]), {
        minItems: 1,
        maxItems: 50,
      }),
    ),
    betweenBatches: Type.Optional(
      Type.Union([
        Type.Object({ mode: Type.Literal('auto'), seconds: Type.Integer({ minimum: 0, maximum: 86_400 }) }, { additionalProperties: false }),
        Type.Object({ mode: Type.Literal('manual') }, { additionalProperties: false }),
      ]),
    ),
    failure: Type.Optional(Type.Object({ tolerate: Type.Integer({ minimum: 0, maximum: 100_000 }) }, { additionalProperties: false })),
    autoRollback: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);
export type RolloutSpec = Static<typeof RolloutSpec>;
