const SEMVER = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/;

interface Version {
  core: [number, number, number];
  pre: string[];
}

function parse(name: string): Version | null {
  const m = SEMVER.exec(name);
  if (!m) return null;
  return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre: m[4] ? m[4].split('.') : [] };
}

/** Semver precedence: numeric identifiers numerically and below alphanumeric ones, a pre-release below its release. */
function compareIds(a: string, b: string): number {
  const [na, nb] = [/^\d+$/.test(a), /^\d+$/.test(b)];
  if (na && nb) return Number(a) - Number(b);
  if (na !== nb) return na ? -1 : 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i += 1) if (a.core[i] !== b.core[i]) return a.core[i]! - b.core[i]!;
  if (a.pre.length === 0 || b.pre.length === 0) return b.pre.length - a.pre.length;
  for (let i = 0; i < Math.min(a.pre.length, b.pre.length); i += 1) {
    const order = compareIds(a.pre[i]!, b.pre[i]!);
    if (order !== 0) return order;
  }
  return a.pre.length - b.pre.length;
}

/**
 * Tags as a release picks them: newest first. Version tags (v1.2.3, 1.2.3-rc.1) by version; the rest, for which
 * the API gives no date, after them and in the reverse of its (alphabetical) order.
 */
export function newestTagsFirst<T extends { name: string }>(tags: readonly T[]): T[] {
  const versions: { tag: T; version: Version }[] = [];
  const others: T[] = [];
  for (const tag of tags) {
    const version = parse(tag.name);
    if (version) versions.push({ tag, version });
    else others.push(tag);
  }
  versions.sort((a, b) => compareVersions(b.version, a.version));
  return [...versions.map((v) => v.tag), ...others.reverse()];
}
