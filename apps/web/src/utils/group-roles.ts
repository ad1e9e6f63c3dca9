import type { GroupRole } from '@/api/types';

/** The tag colour of a group role, wherever roles are listed: owners stand out, viewers recede. */
export const ROLE_TAG_TYPE: Record<GroupRole, 'warning' | 'primary' | 'info'> = { owner: 'warning', developer: 'primary', viewer: 'info' };
