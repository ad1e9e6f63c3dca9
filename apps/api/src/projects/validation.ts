/**
 * Checks TypeBox cannot express. Each returns a reason or null; the service turns a reason into a field error.
 * They mirror the engine's own plan validation, so a project that saves is one the engine will accept.
 */

// eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
const CONTROL = /[\s\u0000-\u001f\u007f]/;

export function gitUrlProblem(url: string): string | null {
  if (url.startsWith('-')) return 'must not start with "-"';
  if (CONTROL.test(url)) return 'must not contain whitespace or control characters';
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(url)?.[1]?.toLowerCase();
  if (scheme !== undefined) {
    if (!['https', 'ssh', 'git', 'file'].includes(scheme)) return 'must use https, ssh, git or file, or be git@host:path';
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return 'is not a valid URL';
    }
    // A token in the URL would be stored and shown in plain text; it belongs in an encrypted credential.
    if (parsed.password) return 'must not contain a password or token; store it as a git_token credential';
    if (scheme !== 'file' && !parsed.hostname) return 'has no host';
    return null;
  }
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^:/][^:]*$/.test(url) && !url.includes('::')) return null;
  return 'must use https, ssh, git or file, or be git@host:path';
}

export function relativePathProblem(path: string): string | null {
  if (path.startsWith('/')) return 'must be relative';
  const segments = path.replace(/\/+$/, '').split('/');
  if (segments.some((s) => s === '..' || s === '.')) return 'must not contain "." or ".." segments';
  if (segments.some((s) => s === '')) return 'must not contain empty segments';
  if (segments.some((s) => s.startsWith('-'))) return 'must not have a segment starting with "-"';
  return null;
}
