import { Type, type Static } from 'typebox';
import { GROUP_ROLES } from './rules.js';
import { Page, PageQuery, Str, Uuid } from './common.js';
import { ArchivedAt, ArchivedFilter } from './fields.js';

export const Role = Type.Enum(GROUP_ROLES);

export const GroupView = Type.Object({
  id: Uuid,
  name: Type.String(),
  description: Type.String(),
  memberCount: Type.Integer(),
  myRole: Type.Union([Role, Type.Null()]),
  archivedAt: ArchivedAt,
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export const GroupPage = Page(GroupView);

export const GroupQuery = Type.Object({ ...PageQuery, q: Type.Optional(Str(64)), archived: Type.Optional(ArchivedFilter) }, { additionalProperties: false });

const GroupName = Str(64, { minLength: 1, pattern: '^[^\\s].*[^\\s]$|^[^\\s]$', description: 'no leading or trailing spaces' });

export const CreateGroupBody = Type.Object(
  { name: GroupName, description: Type.Optional(Str(500)) },
  { additionalProperties: false },
);
export const UpdateGroupBody = Type.Object(
  { name: Type.Optional(GroupName), description: Type.Optional(Str(500)) },
  { additionalProperties: false, minProperties: 1 },
);

export const GroupIdParams = Type.Object({ groupId: Uuid }, { additionalProperties: false });
export const MemberParams = Type.Object({ groupId: Uuid, userId: Uuid }, { additionalProperties: false });

export const MemberView = Type.Object({
  userId: Uuid,
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  createdAt: Type.String({ format: 'date-time' }),
});
export const MemberPage = Page(MemberView);
export const MemberQuery = Type.Object({ ...PageQuery }, { additionalProperties: false });
export const SetMemberBody = Type.Object({ role: Role }, { additionalProperties: false });

export type Role = Static<typeof Role>;
export type GroupView = Static<typeof GroupView>;
export type GroupPage = Static<typeof GroupPage>;
export type GroupQuery = Static<typeof GroupQuery>;
export type CreateGroupBody = Static<typeof CreateGroupBody>;
export type UpdateGroupBody = Static<typeof UpdateGroupBody>;
export type GroupIdParams = Static<typeof GroupIdParams>;
export type MemberParams = Static<typeof MemberParams>;
export type MemberView = Static<typeof MemberView>;
export type MemberPage = Static<typeof MemberPage>;
export type MemberQuery = Static<typeof MemberQuery>;
export type SetMemberBody = Static<typeof SetMemberBody>;
