import type { FormItemRule, FormRules } from 'element-plus';
import { i18n } from '@/locales';
import {
  CONTROL_CHARS,
  CRON_SCHEDULE,
  environmentProblem,
  SERVICE_ABS_DIR,
  SERVICE_LIMITS,
  SERVICE_LOG_FILE,
  SERVICE_NAME,
  SERVICE_REL_DIR,
  SERVICE_USER,
  usesField,
  type EnvironmentRow,
  type ServiceField,
  type ServiceForm,
} from './service-form';

const t = (key: string, values: Record<string, unknown> = {}) => i18n.global.t(`services.config.errors.${key}`, values);

/**
 * The API's checks of a service config as form rules under `<path>.<field>`, so the form refuses what a save would;
 * a field the chosen manager does not use is never checked (it is not sent).
 */
export function serviceRules(service: () => ServiceForm, path = 'service'): FormRules {
  const rule = (field: ServiceField, problem: (value: never) => string | null, trigger = 'blur'): FormItemRule => ({
    trigger,
    validator: (_rule, value, callback) => {
      const reason = usesField(service().manager, field) ? problem(value as never) : null;
      if (reason) callback(new Error(reason));
      else callback();
    },
  });
  const optional = (pattern: RegExp, message: string) => (value: string) => (value.trim() && !pattern.test(value.trim()) ? message : null);

  return {
    [`${path}.name`]: [rule('name', optional(SERVICE_NAME, t('name')))],
    [`${path}.command`]: [
      rule('command', (value: string) => {
        if (!value.trim()) return t('commandRequired');
        if (value.length > SERVICE_LIMITS.command) return t('tooLong', { max: SERVICE_LIMITS.command });
        return CONTROL_CHARS.test(value) ? t('oneLine') : null;
      }),
    ],
    [`${path}.workingDir`]: [rule('workingDir', optional(SERVICE_REL_DIR, t('workingDir')))],
    [`${path}.user`]: [rule('user', optional(SERVICE_USER, t('user')))],
    [`${path}.logFile`]: [rule('logFile', optional(SERVICE_LOG_FILE, t('logFile')))],
    [`${path}.schedule`]: [
      rule('schedule', (value: string) => {
        if (!value.trim()) return t('scheduleRequired');
        return CRON_SCHEDULE.test(value.trim()) ? null : t('schedule');
      }),
    ],
    [`${path}.unitDir`]: [rule('unitDir', optional(SERVICE_ABS_DIR, t('absDir')))],
    [`${path}.programDir`]: [rule('programDir', optional(SERVICE_ABS_DIR, t('absDir')))],
    [`${path}.configPath`]: [rule('configPath', optional(SERVICE_ABS_DIR, t('absDir')))],
    [`${path}.environment`]: [
      rule(
        'environment',
        (rows: EnvironmentRow[]) => {
          const problem = environmentProblem(rows);
          return problem ? t(`environment.${problem.key}`, problem.values) : null;
        },
        'change',
      ),
    ],
  };
}
