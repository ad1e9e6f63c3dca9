/**
 * Where to go after logging in. Only same-origin paths are accepted so a crafted `?redirect=//evil.example` link
 * cannot bounce a fresh session off-site.
 */
export function safeRedirect(value: unknown): string {
  return typeof value === 'string' && value.startsWith('/') && !value.startsWith('//') ? value : '/';
}
