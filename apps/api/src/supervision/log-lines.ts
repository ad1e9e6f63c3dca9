import { StringDecoder } from 'node:string_decoder';

/** A longer line (a stack trace on one line, a binary blob) is cut: the viewer wants to read, not to download. */
export const MAX_LINE_CHARS = 16 * 1024;

/**
 * Cuts a byte stream into whole lines. Chunks split anywhere, also inside a UTF-8 character or a secret, so lines
 * leave only when complete: masking works on whole lines, and no character is torn in two.
 */
export class LineSplitter {
  #decoder = new StringDecoder('utf8');
  #pending = '';

  /** The lines this chunk completes. */
  push(chunk: Buffer): string[] {
    const parts = (this.#pending + this.#decoder.write(chunk)).split('\n');
    this.#pending = parts.pop() ?? '';
    // A line that never ends is still shown, in pieces, rather than held until memory runs out.
    while (this.#pending.length > MAX_LINE_CHARS) {
      parts.push(this.#pending.slice(0, MAX_LINE_CHARS));
      this.#pending = this.#pending.slice(MAX_LINE_CHARS);
    }
    return parts.map(trimLine);
  }

  /** The last, unterminated line, if any. */
  end(): string[] {
    const rest = this.#pending + this.#decoder.end();
    this.#pending = '';
    return rest ? [trimLine(rest)] : [];
  }
}

const trimLine = (line: string) => (line.endsWith('\r') ? line.slice(0, -1) : line);
