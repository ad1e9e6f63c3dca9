import type { WebhookDelivery } from '@/api/webhooks';
import type { CellTag } from '@/components/list-column';

const OUTCOME_TYPE: Record<WebhookDelivery['outcome'], CellTag['type']> = { released: 'success', ignored: 'info', refused: 'warning' };

/** A delivery's outcome as a tag: a release stands out green, a refusal (a rule matched, the environment said no) orange. */
export function outcomeTag(outcome: WebhookDelivery['outcome'], t: (key: string) => string): CellTag {
  return { label: t(`projects.webhooks.outcomes.${outcome}`), type: OUTCOME_TYPE[outcome], small: true };
}

/** "group/project" of a GitLab clone address (https or scp-like ssh), to name the project in confirmations. */
export function gitlabPath(gitUrl: string): string {
  const scp = /^[^/@:]+@[^/:]+:(.+)$/.exec(gitUrl);
  let path = scp?.[1] ?? gitUrl;
  if (!scp) {
    try {
      path = new URL(gitUrl).pathname;
    } catch {
      return gitUrl;
    }
  }
  return path.replace(/^\/+|\/+$/g, '').replace(/\.git$/, '') || gitUrl;
}
