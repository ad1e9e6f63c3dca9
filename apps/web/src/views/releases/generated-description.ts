import { useI18n } from 'vue-i18n';
import type { ReleaseSummary } from '@/api/releases';
import { shortCommit } from '@/composables/useFormat';

/**
 * A release's description, or for the ones the platform creates without one (rollbacks, scale-outs) what they do, in
 * the reader's language: the API stores no text of its own there.
 */
export function useReleaseDescription(): (release: ReleaseSummary) => string {
  const { t } = useI18n();
  return (r) => {
    if (r.description) return r.description;
    const facts = { ref: r.ref, commit: shortCommit(r.commit) };
    if (r.kind === 'rollback') return t('rollback.generated', facts);
    if (r.kind === 'scale_out') return t('releases.scaleOutGenerated', facts);
    return '';
  };
}
