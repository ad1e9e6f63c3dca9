import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runLocal } from '../local.js';
import type { SandboxSettings } from '../types.js';
import { bwrapArgs, bwrapEnv } from './bwrap-args.js';
import { chownTree } from './ownership.js';
import { resolveSandbox } from './settings.js';

/**
 * Starts the sandbox as builds will (same binds, namespaces, uid and limits) around `true`. Returns why it failed,
 * or undefined when it works or is turned off; start-up refuses to run builds on a failure.
 */
export async function probeSandbox(settings: SandboxSettings | undefined): Promise<string | undefined> {
  const resolved = resolveSandbox(settings);
  if (resolved.mode === 'off') return undefined;
  const dir = mkdtempSync(join(tmpdir(), 'rp-sandbox-probe-'));
  try {
    const dropTo = process.getuid?.() === 0 ? { uid: resolved.uid, gid: resolved.gid } : undefined;
    if (dropTo) await chownTree(dir, dropTo.uid, dropTo.gid);
    const args = bwrapArgs({ workspace: dir, home: dir, files: [], env: {}, network: resolved.network, dropTo, limits: resolved, command: ['sh', '-c', 'touch /workspace/probe'] });
    const out = await runLocal('bwrap', args, { timeoutMs: 30_000, env: bwrapEnv(), exactEnv: true });
    if (out.exitCode === 0) return undefined;
    return `bwrap failed (exit ${out.exitCode ?? out.reason ?? 'signal'}): ${out.stderrTail.trim() || 'no output'}`;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
