/**
 * POSIX single-quote escaping. Inside single quotes the shell interprets nothing, so the only character that needs
 * care is the single quote itself, which is written as `'\''` (close, escaped quote, reopen). Hand-written rather than
 * shell-quote's `quote()` because shell-quote escapes with backslashes per character, which is harder to audit and
 * has had injection bugs (CVE-2021-42740); this one fits on a screen and is tested by running a real `sh`.
 */
export function quote(value: string): string {
  if (value.includes('\0')) {
    // A NUL cannot be passed through argv or a shell word; refusing beats silently truncating.
    throw new Error('cannot quote a string containing a NUL byte');
  }
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A fragment that is already shell syntax (an operator, a quoted word) and must not be quoted again. */
export class ShellFragment {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

/** Marks operator text written by the engine itself (never data) as raw shell syntax. */
export function raw(text: string): ShellFragment {
  return new ShellFragment(text);
}

type Interpolated = string | number | ShellFragment | readonly (string | ShellFragment)[];

function render(value: Interpolated): string {
  if (value instanceof ShellFragment) return value.text;
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return quote(value);
  return value.map((v) => render(v)).join(' ');
}

/**
 * Tagged template for remote command lines: the literal parts are the engine's own shell syntax, every interpolated
 * value is data and is single-quoted (arrays become several quoted words). Returns a fragment so commands compose.
 */
export function sh(strings: TemplateStringsArray, ...values: Interpolated[]): ShellFragment {
  // Raw strings: what is written in the template (`\n` for printf, say) is exactly what the shell receives.
  let out = strings.raw[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings.raw[i + 1] ?? '');
  });
  return new ShellFragment(out);
}
