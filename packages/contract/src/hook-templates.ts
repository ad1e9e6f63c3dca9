import { Type, type Static } from 'typebox';
import { Stage } from './projects.js';
import { HOOK_SCRIPT_MAX } from './rules.js';
import { Line, Name, NullableUuid, Script, Timestamps } from './fields.js';
import { Page, PageQuery, Uuid } from './common.js';

export const HookTemplateView = Type.Object({
  id: Uuid,
  groupId: Type.Union([Uuid, Type.Null()], { description: 'null: a global template' }),
  name: Type.String(),
  description: Type.String(),
  script: Type.String(),
  ...Timestamps,
});
export const HookTemplatePage = Page(HookTemplateView);

export const HookTemplateQuery = Type.Object(
  { ...PageQuery, q: Type.Optional(Line(100)), groupId: Type.Optional(Uuid), global: Type.Optional(Type.Boolean()) },
  { additionalProperties: false },
);

export const CreateHookTemplateBody = Type.Object(
  {
    groupId: Type.Optional(NullableUuid),
    name: Name(100),
    description: Type.Optional(Line(500)),
    script: Type.Optional(Script(HOOK_SCRIPT_MAX)),
    fromProject: Type.Optional(
      Type.Object({ projectId: Uuid, stage: Stage }, { additionalProperties: false, description: 'save a project\'s hook as a template instead of sending `script`' }),
    ),
  },
  { additionalProperties: false },
);

export const UpdateHookTemplateBody = Type.Object(
  { name: Type.Optional(Name(100)), description: Type.Optional(Line(500)), script: Type.Optional(Script(HOOK_SCRIPT_MAX)) },
  { additionalProperties: false, minProperties: 1 },
);

export type HookTemplateView = Static<typeof HookTemplateView>;
export type HookTemplatePage = Static<typeof HookTemplatePage>;
export type HookTemplateQuery = Static<typeof HookTemplateQuery>;
export type CreateHookTemplateBody = Static<typeof CreateHookTemplateBody>;
export type UpdateHookTemplateBody = Static<typeof UpdateHookTemplateBody>;
