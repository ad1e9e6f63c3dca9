import { useI18n } from 'vue-i18n';

export const shortCommit = (commit: string) => commit.slice(0, 8);

const RELATIVE_UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86400],
  ['month', 30 * 86400],
  ['day', 86400],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

/** Times, durations and stage names in the UI language; stage names the engine adds later fall back to the raw name. */
export function useFormat() {
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
