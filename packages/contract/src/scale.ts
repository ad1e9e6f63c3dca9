import { Type, type Static } from 'typebox';
import { Uuid } from './common.js';

export const ScaleOutBody = Type.Object(
  { serverIds: Type.Array(Uuid, { minItems: 1, maxItems: 100, uniqueItems: true, description: 'servers of the project\'s group to add' }) },
  { additionalProperties: false },
);
export const ScaleOutResult = Type.Object({
  added: Type.Array(Type.Object({ id: Uuid, name: Type.String() })),
  releaseId: Type.Union([Uuid, Type.Null()], { description: 'the scale-out release deploying the current version to them; null when nothing was released here yet' }),
});

export const ScaleInParams = Type.Object({ id: Uuid, serverId: Uuid }, { additionalProperties: false });
export const ScaleInQuery = Type.Object(
  {
    removeFiles: Type.Optional(Type.Boolean({ default: false, description: 'also delete the deploy path on the host (kept by default)' })),
    force: Type.Optional(Type.Boolean({ default: false, description: 'remove it from the environment even when the host cannot be reached or a step fails' })),
  },
  { additionalProperties: false },
);
export const ScaleInStep = Type.Object({
  step: Type.Union([Type.Literal('offline'), Type.Literal('stop'), Type.Literal('remove-files')]),
  ok: Type.Boolean(),
  output: Type.String(),
});
/** A failed step (without force) answers 409 instead, with the steps in `error.details.steps`, and removes nothing. */
export const ScaleInResult = Type.Object({
  removed: Type.Boolean({ description: 'always true in a 200: the server left the environment' }),
  steps: Type.Array(ScaleInStep, { description: 'what ran on the host, in order; a forced removal may hold failed steps' }),
});

export type ScaleOutBody = Static<typeof ScaleOutBody>;
export type ScaleOutResult = Static<typeof ScaleOutResult>;
export type ScaleInQuery = Static<typeof ScaleInQuery>;
export type ScaleInResult = Static<typeof ScaleInResult>;
