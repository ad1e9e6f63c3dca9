import type { Locator, Page } from '@playwright/test';

/**
 * What the user can read on a page: the visible text nodes plus the placeholders, aria-labels and titles of
 * visible elements, which come from the translations too. Code, log and pre blocks hold data (commands, fingerprints,
 * audit action codes shown on purpose beside their label, build output) and are left out.
 */
export async function visibleTexts(scope: Page | Locator): Promise<string[]> {
  const root = 'mainFrame' in scope ? scope.locator('body') : scope;
  return root.evaluate((el) => {
    const skip = 'code, pre, script, style, textarea, [data-testid="log-viewport"]';
    const shown = (node: Element) => node.checkVisibility({ checkOpacity: true, checkVisibilityCSS: true });
    const out: string[] = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) {
      const parent = walker.currentNode.parentElement;
      const text = walker.currentNode.textContent?.trim();
      if (text && parent && !parent.closest(skip) && shown(parent)) out.push(text);
    }
    for (const node of Array.from(el.querySelectorAll('[placeholder], [aria-label], [title]'))) {
      if (node.closest(skip) || !shown(node)) continue;
      for (const attr of ['placeholder', 'aria-label', 'title']) {
        const value = node.getAttribute(attr)?.trim();
        // A title repeating long cell content (show-overflow-tooltip, ellipsis) is data, already covered as text.
        if (value && !(attr === 'title' && node.textContent?.includes(value))) out.push(value);
      }
    }
    return out;
  });
}

// A vue-i18n key path: lower camelCase segments joined by dots, e.g. `releases.form.submit`, `menu.hookTemplates`.
const KEY = /\b[a-z]+(?:[A-Z][a-z0-9]*)*(?:\.[a-z][A-Za-z0-9]*)+\b/g;
// Dotted words that are not keys: file names and extensions, host names, abbreviations.
const FILE_OR_HOST = /\.(?:js|mjs|cjs|ts|json|sh|py|go|php|jar|war|git|log|txt|md|yml|yaml|toml|env|conf|pem|pub|html|css|zip|gz|tar|tgz|sock|pid|lock|service|config|example|com|org|net|io|cn|local|internal)$/;
const ABBREVIATIONS = new Set(['e.g', 'i.e', 'etc.']);

/** Text tokens that look like an untranslated i18n key; words with a slash, colon or @ are paths, URLs and addresses. */
export function rawKeys(texts: readonly string[]): string[] {
  const found = new Set<string>();
  for (const text of texts) {
    for (const word of text.split(/\s+/)) {
      if (/[/:@\\]/.test(word)) continue;
      for (const match of word.matchAll(KEY)) {
        const token = match[0];
        if (!FILE_OR_HOST.test(token) && !ABBREVIATIONS.has(token)) found.add(token);
      }
    }
  }
  return [...found];
}

const CJK = /[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uff00-\uffef]/;
/** Shown in both languages on purpose: the product's bilingual name on the login page, the language switch's glyph. */
const BILINGUAL = new Set(['发布平台 / Release Platform', '文/A']);

/** Texts holding Chinese characters, for pages that must be entirely English. */
export function chineseTexts(texts: readonly string[]): string[] {
  return texts.filter((t) => CJK.test(t) && !BILINGUAL.has(t));
}

export const hasChinese = (text: string) => CJK.test(text);
