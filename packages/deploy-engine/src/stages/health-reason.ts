import { HTTP_STATUS_LINE } from '../remote/commands.js';
import { printable } from '../run/echo.js';
import type { RemoteOutcome } from '../run/remote.js';

/** How much of a failed health command's output its reason quotes: the end, where the error usually is. */
const OUTPUT_TAIL = 1024;
/** How much of a failed URL check's body its reason quotes: the start, where a status page says what is wrong. */
const BODY_START = 200;

type Failed = Extract<RemoteOutcome, { ok: false }>;

/** The last bytes of a command's stdout and stderr together, in the order they arrived. */
export class OutputTail {
  #text = '';
  readonly add = (chunk: Buffer): void => {
    this.#text = (this.#text + chunk.toString()).slice(-2 * OUTPUT_TAIL);
  };

  /** The last whole lines that fit in OUTPUT_TAIL, trimmed, shown on one line. */
  get text(): string {
    const text = this.#text.trim();
    if (text.length <= OUTPUT_TAIL) return oneLine(text);
    const tail = text.slice(-OUTPUT_TAIL);
    const lineStart = tail.indexOf('\n');
    return `…${oneLine(lineStart >= 0 ? tail.slice(lineStart + 1) : tail)}`;
  }
}

/** Line breaks shown as ⏎ and other control characters as spaces, so a reason stays one log line. */
const oneLine = (text: string): string => printable(text.trim().replace(/\r?\n/g, ' ⏎ ')).trim();

const quoted = (text: string): string => (text ? `: "${text}"` : ', no output');

/** Why an attempt of a command check failed: its exit status (or timeout) and the end of what it printed. */
export function commandFailure(failed: Failed, output: string, timeoutMs: number): string {
  const { error } = failed;
  if (error.kind === 'engine') return error.message;
  return `${stopped(error.reason, error.exitCode, timeoutMs)}${quoted(output)}`;
}

function stopped(reason: 'timeout' | 'aborted' | 'connection-lost' | undefined, exitCode: number | null, timeoutMs: number): string {
  if (reason === 'timeout') return `timed out after ${seconds(timeoutMs)}`;
  if (reason === 'connection-lost') return 'connection to the host lost';
  if (reason === 'aborted') return 'aborted';
  return `exit ${exitCode ?? 'unknown'}`;
}

/** The status and body start the URL check printed, when curl got as far as a response or tried to. */
function response(stdout: string): { status: number; body: string } | undefined {
  if (!stdout.startsWith(HTTP_STATUS_LINE)) return undefined;
  const end = stdout.indexOf('\n');
  const status = Number(stdout.slice(HTTP_STATUS_LINE.length, end < 0 ? undefined : end));
  if (!Number.isInteger(status)) return undefined;
  return { status, body: end < 0 ? '' : stdout.slice(end + 1) };
}

const CURL_FAILURES: Record<number, string> = { 6: 'host not found', 7: 'connection failed', 28: 'timed out' };

/**
 * Why an attempt of a URL check failed: the HTTP status and the start of the body, or curl's reason for getting no
 * response (connection refused, timeout, …). Without curl (wget) or without any output, like a command check.
 */
export function urlFailure(failed: Failed, output: string, timeoutMs: number): string {
  const { error } = failed;
  if (error.kind === 'engine') return error.message;
  const got = failed.out ? response(failed.out.stdout) : undefined;
  if (got && got.status >= 100) return `HTTP ${got.status}${got.body.trim() ? `: "${oneLine(got.body.slice(0, BODY_START))}"` : ', empty body'}`;
  const curl = /curl: \((\d+)\) ([^\n]*)/.exec(error.stderrTail);
  if (got && curl && !error.reason) return `${CURL_FAILURES[Number(curl[1])] ?? `curl exit ${curl[1]}`}: ${printable(curl[2] ?? '').trim()}`;
  return commandFailure(failed, output, timeoutMs);
}

/** `HTTP 200` for a URL check that passed. */
export function urlPassed(stdout: string): string {
  const got = response(stdout);
  return got ? `HTTP ${got.status}` : 'response received';
}

/** `100 ms`, `2 s`, `1.5 s`: a wait as the operator reads it. */
export const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Number((ms / 1000).toFixed(1))} s`);
