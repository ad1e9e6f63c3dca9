import { classifyAddress, gitHostOf, hostProblem, type PrivateHosts } from '../projects/git-policy.js';
import { targetUrls, type ChannelConfig } from './kinds.js';

const isLoopbackName = (host: string) => host === 'localhost' || (/^[\d.]+$|:/.test(host) && classifyAddress(host) === 'loopback');

/**
 * Why the platform must not send to this robot or webhook URL, or null. The rule of Git platforms' addresses: the
 * host passes GIT_ALLOW_PRIVATE_HOSTS (never a metadata address), and plain http only to the loopback, since the URL
 * carries the robot's token and the message may carry release details.
 */
async function urlProblem(url: string, privateHosts: PrivateHosts): Promise<string | null> {
  if (!URL.canParse(url)) return 'is not a valid URL';
  const parsed = new URL(url);
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return 'must be an https:// URL';
  if (parsed.username || parsed.password) return 'must not contain a user or password';
  const host = gitHostOf(url);
  if (!host) return 'has no host';
  if (parsed.protocol === 'http:' && !isLoopbackName(host)) return 'must be https:// (it carries the robot\'s token); http:// only for the loopback';
  return hostProblem(host, privateHosts);
}

/** Why the platform must not talk to this SMTP server, or null: the same host policy, and no password in plain text off the loopback. */
async function smtpProblem(host: string, security: 'starttls' | 'tls' | 'none', hasPassword: boolean, privateHosts: PrivateHosts): Promise<string | null> {
  const name = host.toLowerCase().replace(/^\[(.*)\]$/, '$1').replace(/\.$/, '');
  if (security === 'none' && hasPassword && !isLoopbackName(name)) return 'a password is sent only over TLS (security tls or starttls), except to the loopback';
  return hostProblem(name, privateHosts);
}

/**
 * The first place the channel would send to that the policy refuses, as the field naming it (`settings.host`,
 * `secret.webhookUrl`) and why; null when all are allowed. Checked on save and before every send.
 */
export async function channelTargetProblem(config: ChannelConfig, privateHosts: PrivateHosts): Promise<{ field: string; problem: string } | null> {
  if (config.kind === 'email') {
    const problem = await smtpProblem(config.settings.host, config.settings.security, config.secret.password !== undefined, privateHosts);
    return problem ? { field: 'settings.host', problem } : null;
  }
  for (const { field, url } of targetUrls(config)) {
    const problem = await urlProblem(url, privateHosts);
    if (problem) return { field: `secret.${field}`, problem };
  }
  return null;
}
