import { runLocal } from '../local.js';
import { fingerprintOf } from '../transport/fingerprint.js';

export interface HostKeyFingerprint {
  /** The key type as ssh names it, e.g. `ssh-ed25519`. */
  type: string;
  /** `SHA256:…`, as `ssh-keygen -lf` prints it. */
  fingerprint: string;
}

export type HostKeyScan = { ok: true; knownHosts: string; fingerprints: HostKeyFingerprint[] } | { ok: false; message: string };

/** `<host pattern> <key type> <base64 blob>`: ssh-keyscan's own lines; its `#` banners and anything else are dropped. */
const KEY_LINE = /^(\S+) ((?:ssh|ecdsa-sha2|sk-ssh|sk-ecdsa-sha2)-[A-Za-z0-9@.-]+) ([A-Za-z0-9+/]+={0,2})$/;
const HOST = /^(?:[A-Za-z0-9_](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?|[0-9A-Fa-f:.]+)$/;

/** The known_hosts lines of a keyscan and the fingerprint of each key, in the order ssh-keyscan printed them. */
export function parseKeyscan(text: string): { knownHosts: string; fingerprints: HostKeyFingerprint[] } {
  const lines: string[] = [];
  const fingerprints: HostKeyFingerprint[] = [];
  for (const line of text.split('\n')) {
    const match = KEY_LINE.exec(line.trim());
    if (!match) continue;
    lines.push(match[0]);
    fingerprints.push({ type: match[2] ?? '', fingerprint: fingerprintOf(Buffer.from(match[3] ?? '', 'base64')) });
  }
  return { knownHosts: lines.length > 0 ? `${lines.join('\n')}\n` : '', fingerprints };
}

/**
 * The host keys `host:port` presents now (`ssh-keyscan`), for a caller that pins them on first use: these lines become
 * the only ones ssh accepts from that host afterwards. The host name is checked first, so it can never be an option.
 */
export async function scanHostKeys(host: string, port: number, options: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<HostKeyScan> {
  if (!HOST.test(host)) return { ok: false, message: `${JSON.stringify(host)} is not a host name or address` };
  if (!Number.isInteger(port) || port < 1 || port > 65535) return { ok: false, message: `port ${port} is out of range` };
  const out = await runLocal('ssh-keyscan', ['-T', '10', '-p', String(port), '--', host], {
    timeoutMs: options.timeoutMs ?? 30_000,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const scanned = parseKeyscan(out.stdout);
  if (scanned.fingerprints.length === 0) {
    const why = out.reason ?? out.stderrTail.split('\n').find((line) => line.trim() && !line.startsWith('#'))?.trim();
    return { ok: false, message: `no SSH host key could be read from ${host}:${port}${why ? ` (${why})` : ''}` };
  }
  return { ok: true, ...scanned };
}
