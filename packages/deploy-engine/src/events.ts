import type { StageName } from '@rp/contract/stages';
import type { FailureReason } from './errors.js';
import type { ReleaseResult } from './result.js';
import { commandLine } from './run/echo.js';

export type StageStatus = 'succeeded' | 'failed' | 'skipped' | 'aborted';

/** A command's output streams, and `command`: the engine's echo of a command before it runs (see run/echo.ts). */
export type LogStream = 'stdout' | 'stderr' | 'command';

interface Base {
  /** Monotonically increasing across one run, so a consumer can resume after the last seq it saw. */
  seq: number;
  at: string;
  releaseId: string;
}

export type EngineEvent = Base &
  (
    | { type: 'release.started'; kind: 'release' | 'rollback' | 'retry'; targets: string[] }
    | { type: 'stage.started'; stage: StageName; target?: string }
    | { type: 'stage.finished'; stage: StageName; target?: string; status: StageStatus; durationMs: number }
    | { type: 'log'; stage: StageName; target?: string; stream: LogStream; text: string }
    | { type: 'batch.started'; index: number; count: number; targets: string[] }
    | { type: 'batch.finished'; index: number; count: number; failed: string[] }
    | { type: 'batch.paused'; index: number; count: number; nextTargets: string[] }
    | { type: 'target.failed'; target: string; stage: StageName; error: FailureReason }
    | { type: 'rollback.started'; batch: number; targets: string[] }
    | { type: 'rollback.finished'; batch: number; targets: string[]; failed: string[] }
    | { type: 'hostkey.learned'; server: { host: string; port: number }; fingerprint: string }
    | { type: 'lock.takenOver'; target: string; previousOwner: unknown }
    | { type: 'release.finished'; result: ReleaseResult }
  );

export type EngineEventType = EngineEvent['type'];

/** Distributes an event type over the union so callers can build one variant without `seq`/`at`/`releaseId`. */
type WithoutBase<T> = T extends unknown ? Omit<T, keyof Base> : never;
export type EventInput = WithoutBase<EngineEvent>;

/** Stamps events with seq, time and release id; a throwing listener must not break a deployment. */
export class EventSink {
  #seq = 0;
  constructor(
    private readonly releaseId: string,
    private readonly listener: ((event: EngineEvent) => void) | undefined,
  ) {}

  emit(input: EventInput): void {
    const event = { ...input, seq: ++this.#seq, at: new Date().toISOString(), releaseId: this.releaseId } as EngineEvent;
    try {
      this.listener?.(event);
    } catch {
      // The listener is the caller's persistence/broadcast code; its bugs are its own and must not stop a rollout.
    }
  }

  /** Echoes a command before it runs: a `command` log line holding `summary`, cut to one line. */
  echo(stage: StageName, summary: string, target?: string): void {
    const text = commandLine(summary);
    this.emit(target === undefined ? { type: 'log', stage, stream: 'command', text } : { type: 'log', stage, target, stream: 'command', text });
  }

  /** Splits a stream into lines and emits each as a log event; returns a flush for the trailing partial line. */
  lineLogger(stage: StageName, stream: 'stdout' | 'stderr', target?: string): { write(chunk: Buffer | string): void; flush(): void } {
    let pending = '';
    const emitLine = (text: string) =>
      this.emit(target === undefined ? { type: 'log', stage, stream, text } : { type: 'log', stage, target, stream, text });
    return {
      write: (chunk) => {
        pending += chunk.toString();
        const lines = pending.split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) emitLine(line);
      },
      flush: () => {
        if (pending) emitLine(pending);
        pending = '';
      },
    };
  }
}
