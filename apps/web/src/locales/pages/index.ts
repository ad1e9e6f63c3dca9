import alertRules from './alert-rules';
import approvals from './approvals';
import audit from './audit';
import credentials from './credentials';
import dashboard from './dashboard';
import environments from './environments';
import gitHosts from './git-hosts';
import gitPlatforms from './git-platforms';
import groups from './groups';
import hookTemplates from './hook-templates';
import login from './login';
import myNotifications from './my-notifications';
import notificationChannels from './notification-channels';
import notificationDeliveries from './notification-deliveries';
import plan from './plan';
import projects from './projects';
import queue from './queue';
import releases from './releases';
import retry from './retry';
import rollback from './rollback';
import servers from './servers';
import services from './services';
import tokens from './tokens';
import users from './users';
import versions from './versions';

/** Each page's strings under the key its views use (`$t('servers.create')`), one module per page. */
const pages = { login, dashboard, releases, retry, rollback, plan, approvals, queue, versions, projects, environments, services, servers, credentials, gitPlatforms, gitHosts, notificationChannels, alertRules, notificationDeliveries, myNotifications, hookTemplates, groups, users, tokens, audit };

type Pages = typeof pages;
export type PageMessages = { [K in keyof Pages]: Pages[K]['zh-CN'] };

/** The pages' strings in one language, to sit next to the app-wide ones. */
export function pageMessages(locale: 'zh-CN' | 'en'): PageMessages {
  return Object.fromEntries(Object.entries(pages).map(([key, page]) => [key, page[locale]])) as PageMessages;
}
