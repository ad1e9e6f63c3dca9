import { engineError } from '../errors.js';
import { layout } from '../remote/commands.js';
import { sleep } from '../sleep.js';
import type { Target } from '../types.js';
import { OK, runStage, type RunContext, type Step } from './context.js';
import { runRemoteScript, scriptEnv } from './scripts.js';
import type { TargetFailure } from './target-stages.js';

/**
 * Takes targets out of the load balancer (the plan's `offline` script, then the drain) and puts them back (`online`).
 * It remembers which targets are out, so every `offline` that ran is followed by exactly one `online`, whatever
 * happened in between: a failure, an abort, an automatic rollback.
 */
export class Traffic {
  readonly #out = new Set<string>();

  /** `releaseOf` names the release the scripts are told about (RELEASE_ID, RELEASE_PATH): the one switched to. */
  constructor(
    private readonly ctx: RunContext,
    private readonly releaseOf: (target: Target) => string,
  ) {}

  get enabled(): boolean {
    return Boolean(this.ctx.plan.traffic?.offline);
  }

  isOut(target: Target): boolean {
    return this.#out.has(target.id);
  }

  /**
   * The `offline` stage. `mustFinish` is for taking a target out again before an automatic rollback, which runs
   * even after an abort: the script then ignores the abort, and an abort only cuts the drain short.
   */
  async offline(target: Target, { mustFinish = false }: { mustFinish?: boolean } = {}): Promise<Step | 'skipped'> {
    const { ctx } = this;
    const script = ctx.plan.traffic?.offline;
    if (!script) return 'skipped';
    // Marked before it runs: a script that fails or is cut short may have taken the target out already.
    this.#out.add(target.id);
    const out = await runRemoteScript(ctx, target, 'offline', 'offline', script, layout(target.deployPath).root, this.#env(target), { uninterruptible: mustFinish });
    if (!out.ok) return out;
    const seconds = ctx.plan.traffic?.drainSeconds ?? 0;
    if (seconds > 0) {
      ctx.events.emit({ type: 'log', stage: 'offline', target: target.id, stream: 'stdout', text: `draining for ${seconds} s` });
      await sleep(seconds * 1000, ctx.signal);
    }
    if (!mustFinish && ctx.signal?.aborted) return { ok: false, error: engineError('aborted', 'run aborted while draining', target.id) };
    return OK;
  }

  /** The `online` stage: only for a target that is out. It ignores the abort, so an aborted run still puts it back. */
  async online(target: Target): Promise<Step | 'skipped'> {
    if (!this.#out.delete(target.id)) return 'skipped';
    const script = this.ctx.plan.traffic?.online;
    if (!script) return 'skipped';
    const out = await runRemoteScript(this.ctx, target, 'online', 'online', script, layout(target.deployPath).root, this.#env(target), { uninterruptible: true });
    return out.ok ? OK : out;
  }

  /** Runs the `online` stage for a target still out after its stages ended early; nothing when it is not out. */
  async putBack(target: Target): Promise<TargetFailure | undefined> {
    if (!this.isOut(target)) return undefined;
    const step = await runStage(this.ctx, 'online', target, () => this.online(target));
    return step.ok ? undefined : { stage: 'online', error: step.error };
  }

  #env(target: Target): Record<string, string> {
    return scriptEnv(this.ctx.plan.project, target, this.releaseOf(target));
  }
}
