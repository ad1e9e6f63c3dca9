import { createI18n } from 'vue-i18n';
import zhCN from './zh-CN';
import en from './en';
import { pageMessages, type PageMessages } from './pages';

export type MessageSchema = typeof zhCN & PageMessages;
export type AppLocale = 'zh-CN' | 'en';

export const SUPPORTED_LOCALES: readonly { value: AppLocale; label: string }[] = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' },
];

const STORAGE_KEY = 'rp.locale';

function isAppLocale(value: unknown): value is AppLocale {
  return SUPPORTED_LOCALES.some((l) => l.value === value);
}

function initialLocale(): AppLocale {
  const saved = localStorage.getItem(STORAGE_KEY);
  // zh-CN is the product default even for English browsers; English is an explicit choice.
  return isAppLocale(saved) ? saved : 'zh-CN';
}

export const i18n = createI18n<[MessageSchema], AppLocale, false>({
  legacy: false,
  locale: initialLocale(),
  fallbackLocale: 'zh-CN',
  messages: { 'zh-CN': { ...zhCN, ...pageMessages('zh-CN') }, en: { ...en, ...pageMessages('en') } },
});

export function setLocale(locale: AppLocale): void {
  i18n.global.locale.value = locale;
  localStorage.setItem(STORAGE_KEY, locale);
  document.documentElement.lang = locale;
}
