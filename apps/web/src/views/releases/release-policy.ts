import { globMatches } from '@rp/contract/rules';
import type { ReleasePolicy } from '@/api/environments';

type RefRule = ReleasePolicy['refPolicy'];

/** The ref rule as a locale key under `releases.policy` and its parameters; null when any ref is accepted. */
export function refRuleMessage(rule: RefRule): { key: string; params: { pattern: string } } | null {
  if (rule.kind === 'any') return null;
  const pattern = rule.pattern ?? '';
  const what = rule.kind === 'tags' ? 'tags' : 'branches';
  return { key: `releases.policy.${what}${pattern ? 'Matching' : 'Only'}`, params: { pattern } };
}

/**
 * Whether the chosen ref fits the rule, as far as the form can tell: a picked branch or tag is known, a typed SHA is a
 * commit, anything else typed is left to the API.
 */
export function refFits(rule: RefRule, ref: string, known: { branches: string[]; tags: string[] } | null): boolean {
  if (rule.kind === 'any' || !ref) return true;
  const name = ref.replace(/^refs\/(heads|tags)\//, '');
  if (rule.pattern && !globMatches(rule.pattern, name)) return false;
  if (/^[0-9a-f]{40}$/.test(ref)) return false;
  const wanted = rule.kind === 'tags' ? known?.tags : known?.branches;
  const other = rule.kind === 'tags' ? known?.branches : known?.tags;
  return !(other?.includes(name) && !wanted?.includes(name));
}

/** The refs worth offering under the rule: only the wanted kind, only names matching the pattern. */
export function offeredRefs<T extends { name: string }>(rule: RefRule, refs: { branches: T[]; tags: T[] }): { branches: T[]; tags: T[] } {
  if (rule.kind === 'any') return refs;
  const fits = (r: T) => !rule.pattern || globMatches(rule.pattern, r.name);
  return rule.kind === 'tags' ? { branches: [], tags: refs.tags.filter(fits) } : { branches: refs.branches.filter(fits), tags: [] };
}

/** What the person's standing is in the environment, as the API decides it; null when they may release. */
export function releaseBlock(policy: ReleasePolicy, who: { userId: string; owner: boolean; developer: boolean }): 'role' | 'owners' | 'named' | null {
  if (who.owner) return null;
  if (!who.developer) return 'role';
  if (policy.releasers === 'owners') return 'owners';
  if (policy.releasers === 'named' && !policy.releaserIds.includes(who.userId)) return 'named';
  return null;
}
