/** `releases/<id>` (what `readlink current` prints) → `<id>`; anything else (no link, a foreign target) → null. */
export function currentToId(link: string): string | null {
  const match = /(?:^|\/)releases\/([^/]+)\/?$/.exec(link.trim());
  return match?.[1] ?? null;
}
