import { SECRET_MASK } from '@rp/contract/rules';

/** Shorter values would mask ordinary words of a log; run inputs refuse to treat them as secrets. */
export const MIN_SECRET_LENGTH = 4;
/** A base64 fragment shorter than this could match random base64 text (checksums, keys) by chance. */
const MIN_BASE64_FRAGMENT = 8;

export type SecretMasker = (text: string) => string;

/** How a URL carries the secret as a username or password (WHATWG userinfo encoding, not encodeURIComponent's). */
function userinfoEncoded(secret: string): string {
  const url = new URL('https://host.invalid/');
  url.password = secret;
  return url.password;
}

/**
 * The part of base64 that is the same wherever the secret sits in a longer encoded text: at each of the three byte
 * alignments, the characters that depend on the secret's bytes alone. This covers `base64(secret)` and HTTP Basic's
 * `base64(user:secret)` for any user, and a secret followed by a newline.
 */
function base64Fragments(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const whole = bytes.toString('base64');
  const fragments = [whole];
  for (const offset of [0, 1, 2]) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64').replace(/=+$/, '');
    const start = [0, 2, 3][offset] ?? 0;
    const tailBytes = (offset + bytes.length) % 3;
    // The last group's final character also holds bits of whatever follows the secret.
    const end = encoded.length - (tailBytes === 0 ? 0 : 1);
    const fragment = encoded.slice(start, end);
    if (fragment.length >= MIN_BASE64_FRAGMENT) fragments.push(fragment);
  }
  return fragments;
}

/** Every form a secret takes when git, a shell or a JSON encoder repeats it. */
export function secretForms(secret: string): string[] {
  const percent = [encodeURIComponent(secret), userinfoEncoded(secret)];
  const forms = [
    secret,
    ...percent,
    // Percent-escapes are case-insensitive; some tools print them in lower case.
    ...percent.map((form) => form.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase())),
    JSON.stringify(secret).slice(1, -1),
    ...base64Fragments(secret),
  ];
  return forms.filter((form) => form.length >= MIN_SECRET_LENGTH);
}

/**
 * The one masking function for every text that leaves a run or a Git lookup: each secret's raw, URL-encoded,
 * base64 and JSON-escaped forms become SECRET_MASK. Matches of all forms are found first and overlapping ones merged,
 * so two secrets sharing characters are masked as one stretch rather than leaving a tail of either.
 */
export function createSecretMasker(secrets: readonly string[]): SecretMasker {
  const forms = [...new Set(secrets.filter((s) => s.length >= MIN_SECRET_LENGTH).flatMap(secretForms))].sort((a, b) => b.length - a.length);
  if (forms.length === 0) return (text) => text;
  return (text) => {
    const spans: [number, number][] = [];
    for (const form of forms) {
      for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
    }
    if (spans.length === 0) return text;
    spans.sort((a, b) => a[0] - b[0] || b[1] - a[1]);
    let out = '';
    let cursor = 0;
    let open: [number, number] | null = null;
    for (const span of spans) {
      if (open && span[0] <= open[1]) {
        open[1] = Math.max(open[1], span[1]);
        continue;
      }
      if (open) {
        out += text.slice(cursor, open[0]) + SECRET_MASK;
        cursor = open[1];
      }
      open = [...span];
    }
    if (open) out += text.slice(cursor, open[0]) + SECRET_MASK;
    return out + text.slice(open ? open[1] : cursor);
  };
}

/** Masks every string inside a value (an event, an error object) without touching its shape. */
export function maskDeep<T>(value: T, mask: SecretMasker): T {
  if (typeof value === 'string') return mask(value) as T;
  if (Array.isArray(value)) return value.map((item) => maskDeep(item, mask)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, maskDeep(item, mask)])) as T;
  }
  return value;
}
