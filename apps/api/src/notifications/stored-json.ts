import { MESSAGE_LOCALES, type MessageLocale } from '@rp/contract/rules';

/** A user's personal subscriptions as stored in `users.notify_prefs`. */
export interface StoredPreferences {
  channelId: string | null;
  myReleases: boolean;
  awaitingMyApproval: boolean;
  locale: MessageLocale;
}

/** An alert rule's extra recipients as stored in `alert_rules.recipients`. */
export interface StoredRecipients {
  users: string[];
  emails: string[];
}

const isObject = (raw: unknown): raw is Record<string, unknown> => typeof raw === 'object' && raw !== null && !Array.isArray(raw);
const strings = (raw: unknown): string[] => (Array.isArray(raw) ? raw.filter((v): v is string => typeof v === 'string') : []);
const localeOf = (raw: unknown): MessageLocale => (MESSAGE_LOCALES as readonly unknown[]).includes(raw) ? (raw as MessageLocale) : 'zh-CN';

/** The column is written only by the API's validated routes; reading it leniently keeps an old or empty value harmless. */
export function readPreferences(raw: unknown): StoredPreferences {
  const o = isObject(raw) ? raw : {};
  return {
    channelId: typeof o.channelId === 'string' ? o.channelId : null,
    myReleases: o.myReleases === true,
    awaitingMyApproval: o.awaitingMyApproval === true,
    locale: localeOf(o.locale),
  };
}

export function readRecipients(raw: unknown): StoredRecipients {
  const o = isObject(raw) ? raw : {};
  return { users: strings(o.users), emails: strings(o.emails) };
}
