import type { NotificationKind } from '@/api/notification-channels';
import type { CellTag } from '@/components/list-column';

/** The colour of a channel kind's tag, the same wherever a channel is listed. */
export const KIND_TAG: Record<NotificationKind, CellTag['type']> = {
  dingtalk: 'primary',
  email: 'success',
  wecom: 'warning',
  feishu: 'info',
  webhook: 'danger',
};
