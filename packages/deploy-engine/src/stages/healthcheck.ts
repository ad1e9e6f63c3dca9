import { engineError } from '../errors.js';
import { sleep } from '../sleep.js';
import { httpCheckCommand, layout } from '../remote/commands.js';
import type { HealthCheck, Target } from '../types.js';
import { OK, type RunContext, type Step } from '../run/context.js';
import { withoutUserinfo } from '../run/echo.js';
import { remote } from '../run/remote.js';
import { runRemoteScript, scriptEnv } from '../run/scripts.js';
import { commandFailure, OutputTail, seconds, urlFailure, urlPassed } from './health-reason.js';

/** `{{PORT}}` in a URL comes from the target's env, so one plan can check services on different ports per host. */
export function expandUrl(url: string, env: Record<string, string> = {}): string {
  return url.replace(/\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g, (_, name: string) => env[name] ?? '');
}

type Attempt = { ok: true; passed: string } | { ok: false; why: string };

/**
 * Polls the URL or command until it passes, waiting interval, 2×interval, … (capped at 10 s) between attempts. Each
 * failed attempt logs why (exit status and output, or HTTP status and body) and the wait before the next one; the
 * last attempt's reason becomes the target's error. The probe's own output is not streamed: every attempt would
 * repeat it, and its reason quotes what matters.
 */
export async function healthcheck(ctx: RunContext, target: Target, releaseId: string, check: HealthCheck | undefined): Promise<Step | 'skipped'> {
  if (!check || (!check.url && !check.command)) return 'skipped';
  const attempts = (check.retries ?? 5) + 1;
  const timeoutMs = check.timeoutMs ?? 5000;
  const log = (stream: 'stdout' | 'stderr', text: string) => ctx.events.emit({ type: 'log', stage: 'healthcheck', target: target.id, stream, text });
  const aborted = () => ({ ok: false as const, error: engineError('aborted', 'run aborted during health check', target.id) });
  let wait = check.intervalMs ?? 500;
  let why = '';
  for (let attempt = 1; attempt <= attempts; attempt++) {
    if (ctx.signal?.aborted) return aborted();
    // Echoed once: the attempts run the same command.
    const probe = await tryOnce(ctx, target, releaseId, check, timeoutMs, attempt === 1);
    if (probe.ok) {
      log('stdout', `health check passed on attempt ${attempt}/${attempts} (${probe.passed})`);
      return OK;
    }
    if (ctx.signal?.aborted) return aborted();
    why = probe.why;
    if (attempt === attempts) {
      log('stderr', `health check attempt ${attempt}/${attempts} failed (${why})`);
      break;
    }
    log('stderr', `health check attempt ${attempt}/${attempts} failed (${why}); next attempt in ${seconds(wait)}`);
    await sleep(wait, ctx.signal);
    wait = Math.min(wait * 2, 10_000);
  }
  return { ok: false, error: engineError('healthcheck-failed', `health check failed after ${attempts} attempts: ${why}`, target.id) };
}

async function tryOnce(ctx: RunContext, target: Target, releaseId: string, check: HealthCheck, timeoutMs: number, echo: boolean): Promise<Attempt> {
  const output = new OutputTail();
  if (check.url) {
    const maxSeconds = Math.max(1, Math.ceil(timeoutMs / 1000));
    // The URL as the plan writes it: `{{VAR}}` stays unexpanded, a target's env values never reach the echo.
    const summary = `curl --max-time ${maxSeconds} ${withoutUserinfo(check.url)} (from the target)`;
    const command = httpCheckCommand(expandUrl(check.url, target.env), maxSeconds).text;
    const out = await remote(ctx, target, 'healthcheck', command, { timeoutMs: timeoutMs + 2000, outputTo: output.add, ...(echo ? { echo: summary } : {}) });
    return out.ok ? { ok: true, passed: urlPassed(out.out.stdout) } : { ok: false, why: urlFailure(out, output.text, timeoutMs) };
  }
  const cwd = layout(target.deployPath).release(releaseId);
  const env = scriptEnv(ctx.plan.project, target, releaseId);
  const out = await runRemoteScript(ctx, target, 'healthcheck', 'healthcheck', check.command ?? '', cwd, env, { timeoutMs, outputTo: output.add, echo });
  return out.ok ? { ok: true, passed: 'exit 0' } : { ok: false, why: commandFailure(out, output.text, timeoutMs) };
}
