import { PassThrough, type Readable } from 'node:stream';

/**
 * A stdin that stays open while `run` waits and ends when it returns: a remote command wrapped to die with its
 * caller (remote/commands `diesWithCaller`) reads EOF on it only when we are done or gone.
 */
export async function withLifeline<T>(run: (stdin: Readable) => Promise<T>): Promise<T> {
  const lifeline = new PassThrough();
  try {
    return await run(lifeline);
  } finally {
    lifeline.end();
  }
}
