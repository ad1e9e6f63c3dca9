/** Prefixed to every command: its first stderr line carries its pid (its process group), for killing it on a stop. */
export const PID_PREFIX = `printf 'rp-pid:%s\\n' "$$" >&2; `;

/** Takes that first line off a command's stderr; what follows it is the command's own output. */
export class PidLineReader {
  #line: string | undefined = '';
  /** undefined until the line is complete; 0 when it was not a pid line. */
  pid: number | undefined;

  /** The part of `chunk` that belongs to the command (empty while the pid line is still incomplete). */
  take(chunk: Buffer): Buffer {
    if (this.#line === undefined) return chunk;
    this.#line += chunk.toString('latin1');
    const newline = this.#line.indexOf('\n');
    if (newline < 0) return Buffer.alloc(0);
    this.pid = Number(/^rp-pid:(\d+)$/.exec(this.#line.slice(0, newline))?.[1] ?? 0);
    const rest = Buffer.from(this.#line.slice(newline + 1), 'latin1');
    this.#line = undefined;
    return rest;
  }
}
