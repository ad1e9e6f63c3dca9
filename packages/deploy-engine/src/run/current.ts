import type { StageName } from '@rp/contract/stages';
import type { FailureReason } from '../errors.js';
import { readCurrentCommand } from '../remote/commands.js';
import type { Target } from '../types.js';
import type { RunContext } from './context.js';
import { remote } from './remote.js';

/** `releases/<id>` (what `readlink current` prints) → `<id>`; anything else (no link, a foreign target) → null. */
export function currentToId(link: string): string | null {
  const match = /(?:^|\/)releases\/([^/]+)\/?$/.exec(link.trim());
  return match?.[1] ?? null;
}

export async function readCurrent(ctx: RunContext, target: Target, stage: StageName): Promise<{ ok: true; id: string | null } | { ok: false; error: FailureReason }> {
  const out = await remote(ctx, target, stage, readCurrentCommand(target.deployPath).text, { quiet: true, uninterruptible: true, timeoutMs: 15_000 });
  return out.ok ? { ok: true, id: currentToId(out.out.stdout) } : out;
}
