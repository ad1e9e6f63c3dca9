import type { WebhookDelivery } from '@/api/webhooks';
import type { CellTag } from '@/components/list-column';

/** A delivery's outcome as a tag: kept for a release decision stands out, ignored stays grey. */
export function outcomeTag(outcome: WebhookDelivery['outcome'], t: (key: string) => string): CellTag {
  return { label: t(`projects.webhooks.outcomes.${outcome}`), type: outcome === 'recorded' ? 'success' : 'info', small: true };
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
