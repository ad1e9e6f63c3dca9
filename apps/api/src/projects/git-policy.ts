import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/**
 * Which Git servers the platform talks to. Cloud metadata and link-local addresses are always refused (they hand out
 * the host's own credentials); loopback and private ranges per GIT_ALLOW_PRIVATE_HOSTS: an on-premises GitLab usually
 * sits on a private range, while the platform host's own loopback ports are not a Git server's business.
 */
export type PrivateHosts = 'refuse' | 'private' | 'all';

export interface GitUrlPolicy {
  /** ALLOW_FILE_GIT_URLS: everyone may use file:// URLs, not only administrators. */
  allowFile: boolean;
  privateHosts: PrivateHosts;
}

const METADATA_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal']);

function list(entries: [string, number | null, 'ipv4' | 'ipv6'][]): BlockList {
  const blocks = new BlockList();
  for (const [address, prefix, type] of entries) {
    if (prefix === null) blocks.addAddress(address, type);
    else blocks.addSubnet(address, prefix, type);
  }
  return blocks;
}

const METADATA = list([
  ['169.254.0.0', 16, 'ipv4'],
  ['100.100.100.200', null, 'ipv4'],
  ['fe80::', 10, 'ipv6'],
  ['fd00:ec2::254', null, 'ipv6'],
]);
// 0.0.0.0 and :: reach the local host on Linux, so they count as loopback.
const LOOPBACK = list([
  ['127.0.0.0', 8, 'ipv4'],
  ['0.0.0.0', 8, 'ipv4'],
  ['::1', null, 'ipv6'],
  ['::', null, 'ipv6'],
]);
const PRIVATE = list([
  ['10.0.0.0', 8, 'ipv4'],
  ['172.16.0.0', 12, 'ipv4'],
  ['192.168.0.0', 16, 'ipv4'],
  ['100.64.0.0', 10, 'ipv4'],
  ['fc00::', 7, 'ipv6'],
]);

export type AddressClass = 'metadata' | 'loopback' | 'private' | 'public';

export function classifyAddress(address: string): AddressClass {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
  const ip = mapped ?? address;
  const type = isIP(ip) === 6 ? 'ipv6' : 'ipv4';
  if (METADATA.check(ip, type)) return 'metadata';
  if (LOOPBACK.check(ip, type)) return 'loopback';
  if (PRIVATE.check(ip, type)) return 'private';
  return 'public';
}

/** `file://` URLs read the platform host's own disk. */
export const isFileUrl = (url: string) => /^file:\/\//i.test(url);

/** The host a Git URL connects to, lower case, without brackets or port; null for file:// URLs. */
export function gitHostOf(url: string): string | null {
  if (isFileUrl(url)) return null;
  const scp = /^[^@/]+@([^:/]+):/.exec(url);
  const host = scp ? scp[1] : URL.canParse(url) ? new URL(url).hostname : '';
  return host ? host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '') : null;
}

const allowed = (kind: AddressClass, privateHosts: PrivateHosts) =>
  kind === 'public' || (kind === 'private' && privateHosts !== 'refuse') || (kind === 'loopback' && privateHosts === 'all');

/**
 * Why the platform must not connect to `host`, or null. The name is resolved as git will resolve it (getaddrinfo
 * accepts forms like 0x7f.1 as well), and every address it resolves to must be allowed. A name that does not
 * resolve is let through: git cannot reach it either, and the check runs again before every use.
 */
export async function hostProblem(host: string, privateHosts: PrivateHosts): Promise<string | null> {
  if (METADATA_NAMES.has(host)) return `${host} is a cloud metadata service`;
  let addresses: { address: string }[];
  try {
    addresses = isIP(host) ? [{ address: host }] : await lookup(host, { all: true, verbatim: true });
  } catch {
    return null;
  }
  for (const { address } of addresses) {
    const kind = classifyAddress(address);
    if (kind === 'metadata') return `${host} is a link-local or cloud metadata address`;
    if (!allowed(kind, privateHosts)) {
      return `${host} is a ${kind} address; allowed only with GIT_ALLOW_PRIVATE_HOSTS=${kind === 'loopback' ? 'true' : 'private'}`;
    }
  }
  return null;
}

/** Why a project may not use this Git URL (who may read the host's disk, where the platform may connect), or null. */
export async function gitUrlPolicyProblem(url: string, policy: GitUrlPolicy, actor: { isAdmin: boolean }): Promise<string | null> {
  if (isFileUrl(url)) return policy.allowFile || actor.isAdmin ? null : 'file:// URLs read the platform host\'s disk: administrators only (or ALLOW_FILE_GIT_URLS=true)';
  const host = gitHostOf(url);
  return host ? hostProblem(host, policy.privateHosts) : 'has no host';
}

/** Where git connects for an ssh Git URL (`user@host:path` or `ssh://[user@]host[:port]/path`). */
export interface SshTarget {
  user: string | null;
  /** Lower case, IPv6 without brackets. */
  host: string;
  port: number;
}

const SCP_LIKE = /^([^@/:]+)@([^:/]+):/;

export const isSshUrl = (url: string) => /^ssh:\/\//i.test(url) || (!/^[a-z][a-z0-9+.-]*:\/\//i.test(url) && SCP_LIKE.test(url));

/** The user, host and port an ssh Git URL names, or null for any other URL. */
export function sshTargetOf(url: string): SshTarget | null {
  if (!isSshUrl(url)) return null;
  const scp = SCP_LIKE.exec(url);
  if (scp && !/^ssh:\/\//i.test(url)) return { user: scp[1] ?? null, host: (scp[2] ?? '').toLowerCase(), port: 22 };
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  const host = parsed.hostname.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  return { user: parsed.username || null, host, port: parsed.port ? Number(parsed.port) : 22 };
}

const SSH_USER = /^[A-Za-z0-9._][A-Za-z0-9._-]*$/;
const SSH_HOST = /^[a-z0-9_](?:[a-z0-9_.-]*[a-z0-9_])?$/;

/**
 * Why an ssh Git URL could put an option on ssh's command line, or null. Git hands the user and host to ssh as
 * arguments, so a host like `-oProxyCommand=…` or such a user would run a command on the platform host; only plain
 * names and addresses pass.
 */
export function sshUrlProblem(url: string): string | null {
  if (!isSshUrl(url)) return null;
  const target = sshTargetOf(url);
  if (!target) return 'is not a valid ssh URL';
  if (target.user !== null && !SSH_USER.test(target.user)) return 'the user before "@" must be a plain name (letters, digits, ".", "_", "-"), not starting with "-"';
  if (!SSH_HOST.test(target.host) && isIP(target.host) !== 6) return 'the host must be a plain host name or address, not starting with "-"';
  return null;
}
