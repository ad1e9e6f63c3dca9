import { engineError } from '../errors.js';
import { sleep } from '../sleep.js';
import { httpCheckCommand, layout } from '../remote/commands.js';
import type { HealthCheck, Target } from '../types.js';
import { OK, type RunContext, type Step } from '../run/context.js';
import { remote, type RemoteOutcome } from '../run/remote.js';
import { runRemoteScript, scriptEnv } from '../run/scripts.js';

/** `{{PORT}}` in a URL comes from the target's env, so one plan can check services on different ports per host. */
export function expandUrl(url: string, env: Record<string, string> = {}): string {
  return url.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_, name: string) => env[name] ?? '');
}

/** Polls the URL or command until it passes, waiting interval, 2×interval, … (capped at 10 s) between attempts. */
export async function healthcheck(ctx: RunContext, target: Target, releaseId: string, check: HealthCheck | undefined): Promise<Step | 'skipped'> {
  if (!check || (!check.url && !check.command)) return 'skipped';
  const attempts = (check.retries ?? 5) + 1;
  const timeoutMs = check.timeoutMs ?? 5000;
  let wait = check.intervalMs ?? 500;
  let last: RemoteOutcome | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (ctx.signal?.aborted) return { ok: false, error: engineError('aborted', 'run aborted during health check', target.id) };
    if (check.url) {
      const url = expandUrl(check.url, target.env);
      last = await remote(ctx, target, 'healthcheck', httpCheckCommand(url, Math.max(1, Math.ceil(timeoutMs / 1000))).text, { timeoutMs: timeoutMs + 2000 });
    } else {
      const cwd = layout(target.deployPath).release(releaseId);
      last = await runRemoteScript(ctx, target, 'healthcheck', 'healthcheck', check.command ?? '', cwd, scriptEnv(ctx.plan.project, target, releaseId), { timeoutMs });
    }
    if (last.ok) return OK;
    if (attempt < attempts) {
      ctx.events.emit({ type: 'log', stage: 'healthcheck', target: target.id, stream: 'stderr', text: `health check attempt ${attempt}/${attempts} failed; retrying in ${wait} ms` });
      await sleep(wait, ctx.signal);
      wait = Math.min(wait * 2, 10_000);
    }
  }
  const detail = last && !last.ok && last.error.kind === 'exec' ? last.error.stderrTail.trim() : '';
  return { ok: false, error: engineError('healthcheck-failed', `health check failed after ${attempts} attempts${detail ? `: ${detail}` : ''}`, target.id) };
}
