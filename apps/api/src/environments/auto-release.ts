import type { AutoReleaseInput, AutoReleaseView } from '@rp/contract/auto-release';
import { DEFAULT_AUTO_RELEASE } from '@rp/contract/rules';
import type { Prisma } from '../generated/prisma/client.js';
import { Invalid } from '../shared/errors.js';

/** The stored rule with every default filled in; rows from before the rules existed hold `{}`: never. */
export function autoReleaseOf(json: Prisma.JsonValue | undefined): AutoReleaseView {
  const stored = json && typeof json === 'object' && !Array.isArray(json) ? (json as Partial<AutoReleaseView>) : {};
  return { ...DEFAULT_AUTO_RELEASE, ...stored };
}

/**
 * The rule to store. An enabled rule must be able to match something: branch events need a branch glob and tag
 * pushes a tag glob, or it would sit switched on and never release, which nobody would notice until they wonder why.
 */
export function checkedAutoRelease(input: AutoReleaseInput): AutoReleaseView {
  const rule = autoReleaseOf(input as unknown as Prisma.JsonValue);
  if (rule.enabled) {
    const branchEvents = rule.events.filter((e) => e === 'push' || (e === 'pipeline' && rule.tags.length === 0));
    if (branchEvents.length && rule.branches.length === 0) throw new Invalid('body.autoRelease.branches', `name at least one branch glob for ${branchEvents.join(' and ')} events (e.g. main)`);
    if (rule.events.includes('tag_push') && rule.tags.length === 0) throw new Invalid('body.autoRelease.tags', 'name at least one tag glob for tag push events (e.g. v*)');
  }
  return rule;
}
