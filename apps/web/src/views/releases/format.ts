import { useI18n } from 'vue-i18n';
import type { ReleaseState } from '@/api/releases';
import type { StageStatus } from '@/stores/release-live';

export type TagType = 'primary' | 'success' | 'info' | 'warning' | 'danger';

const STATE_TAG: Record<ReleaseState, TagType> = {
  pending_approval: 'warning',
  approved: 'primary',
  rejected: 'info',
  queued: 'primary',
  running: 'primary',
  paused: 'warning',
  succeeded: 'success',
  failed: 'danger',
  aborted: 'danger',
  interrupted: 'danger',
  cancelled: 'info',
};

export const stateTagType = (state: ReleaseState): TagType => STATE_TAG[state];

const TARGET_TAG: Record<string, TagType> = { running: 'primary', succeeded: 'success', failed: 'danger', rolled_back: 'warning', aborted: 'danger' };
export const targetTagType = (state: string): TagType => TARGET_TAG[state] ?? 'info';

export const STAGE_STATUS_COLORS: Record<StageStatus, string> = {
  pending: 'var(--el-fill-color-light)',
  running: 'var(--el-color-primary-light-7)',
  succeeded: 'var(--el-color-success-light-7)',
  failed: 'var(--el-color-danger-light-7)',
  skipped: 'var(--el-fill-color)',
  aborted: 'var(--el-color-warning-light-7)',
};

export const shortCommit = (commit: string) => commit.slice(0, 8);

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** Labels and durations in the UI language; stage names the engine adds later fall back to the raw name. */
export function useReleaseFormat() {
  const { t, te, locale } = useI18n();

  function stageLabel(stage: string): string {
    const key = `releases.stages.${stage.replace(/[^a-z0-9]/gi, '_')}`;
    return te(key) ? t(key) : stage;
  }

  function duration(ms: number): string {
    if (ms < 1000) return t('releases.durations.ms', { n: Math.round(ms) });
    const total = Math.round(ms / 1000);
    if (total < 60) return t('releases.durations.s', { n: total });
    if (total < 3600) return t('releases.durations.m', { m: Math.floor(total / 60), s: total % 60 });
    return t('releases.durations.h', { h: Math.floor(total / 3600), m: Math.floor((total % 3600) / 60) });
  }

  function dateTime(value: string | null): string {
    return value ? new Date(value).toLocaleString(locale.value, { hour12: false }) : '—';
  }

  /** "3 小时前" / "3 hours ago": how old a commit is matters more when choosing one than its exact time. */
  function relativeTime(value: string, now = Date.now()): string {
    const seconds = Math.round((Date.parse(value) - now) / 1000);
    const format = new Intl.RelativeTimeFormat(locale.value, { numeric: 'auto' });
    for (const [unit, size] of RELATIVE_UNITS) {
      if (Math.abs(seconds) >= size || unit === 'second') return format.format(Math.round(seconds / size), unit);
    }
    return '';
  }

  return { stageLabel, duration, dateTime, relativeTime };
}
