import type { ServiceConfig } from '@rp/contract/supervision';
import { Invalid } from '../shared/errors.js';
import { environmentRefusal } from './supervisor.js';

/**
 * What the schema cannot say about a service config: the fields a manager needs, and the values supervisor's own
 * syntax cannot carry. A 400 naming the field, when the project is saved rather than when a release installs it.
 */
export function checkServiceConfig(config: ServiceConfig): void {
  if (config.manager !== 'cron' && config.schedule) throw new Invalid('body.service.schedule', 'only for manager cron');
  if (config.manager === 'none') return;
  if (!config.command?.trim()) throw new Invalid('body.service.command', `required for manager ${config.manager}`);
  if (config.manager === 'cron' && !config.schedule) throw new Invalid('body.service.schedule', 'required for manager cron');
  if (config.manager === 'supervisor') {
    for (const [key, value] of Object.entries(config.environment ?? {})) {
      const refusal = environmentRefusal(value);
      if (refusal) throw new Invalid(`body.service.environment.${key}`, refusal);
    }
  }
}
