import type { AutoReleaseView } from '@rp/contract/auto-release';
import { globMatches } from '@rp/contract/rules';
import type { Reading } from './readers/reading.js';

const EVENT_NAMES = { push: 'pushes', tag_push: 'tag pushes', pipeline: 'pipelines' } as const;

const escapeRegExp = (value: string) => value.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');

/**
 * A character that continues a word: a letter, digit or `_`, except Chinese, Japanese and Korean script, which is
 * written without spaces, so "发布devops" holds the word "devops".
 */
const WORD_CHAR = '(?:(?!\\p{sc=Han}|\\p{sc=Hiragana}|\\p{sc=Katakana}|\\p{sc=Hangul})[\\p{L}\\p{N}_])';

/**
 * Whether `message` holds `keyword` as a word, in any case: not inside a longer word. "devops" is in "Fix login
 * [devops]", "DevOps: ship it", "deploy devops" and "发布devops", not in "devopsy" or "my_devops".
 */
export function hasWord(message: string, keyword: string): boolean {
  return new RegExp(`(?<!${WORD_CHAR})${escapeRegExp(keyword)}(?!${WORD_CHAR})`, 'iu').test(message);
}

export type Verdict = { release: true; matched: string } | { release: false; why: string };

/**
 * One environment's rule against one delivery the platform can release on (its `ignored` is null). The order is the
 * order a person checks it in: is it on, is it this kind of event, this branch or tag, then the commit message.
 */
export function judge(rule: AutoReleaseView, reading: Reading): Verdict {
  const { trigger, ref, refKind } = reading;
  if (!rule.enabled) return { release: false, why: 'auto-release is off' };
  if (!trigger || !ref || !refKind) return { release: false, why: 'nothing to release' };
  if (!rule.events.includes(trigger)) return { release: false, why: `releases on ${rule.events.map((e) => EVENT_NAMES[e]).join(', ')} only, not ${EVENT_NAMES[trigger]}` };
  const globs = refKind === 'tag' ? rule.tags : rule.branches;
  const glob = globs.find((g) => globMatches(g, ref));
  if (!glob) return { release: false, why: globs.length ? `${refKind} ${ref} matches none of ${globs.join(', ')}` : `no ${refKind} globs` };
  const text = reading.message ?? '';
  if (rule.skipMarker && text.toLowerCase().includes(rule.skipMarker.toLowerCase())) return { release: false, why: `the head commit says ${rule.skipMarker}` };
  if (rule.keyword) {
    if (reading.message === null) return { release: false, why: `the delivery does not carry the head commit's message, so the keyword "${rule.keyword}" cannot be checked` };
    if (!hasWord(text, rule.keyword)) return { release: false, why: `the head commit's message lacks the word "${rule.keyword}"` };
  }
  return { release: true, matched: `${refKind} glob ${glob}${rule.keyword ? `, keyword "${rule.keyword}"` : ''}` };
}
