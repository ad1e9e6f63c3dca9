/** At most this much of a remote answer is kept (the column's size). */
export const MAX_ANSWER = 2000;

/** Query parameters and path parts of robot URLs that are credentials (DingTalk, WeCom, Feishu and our signatures). */
const TOKEN_PARAMS = /([?&](?:access_token|key|sign|token)=)[^&\s"'<>]+/gi;
const HOOK_PATHS = /(\/bot\/v2\/hook\/)[^\s"'?<>/]+/gi;

/**
 * The answer as it may be shown and stored: every secret value (and its URL-encoded form) and the token parts of
 * robot URLs replaced by ***, cut to MAX_ANSWER characters.
 */
export function maskAnswer(answer: string, secrets: string[]): string {
  let masked = answer;
  for (const secret of secrets.filter((s) => s.length >= 4).sort((a, b) => b.length - a.length)) {
    for (const form of new Set([secret, encodeURIComponent(secret)])) masked = masked.split(form).join('***');
  }
  masked = masked.replace(TOKEN_PARAMS, '$1***').replace(HOOK_PATHS, '$1***');
  return masked.length > MAX_ANSWER ? `${masked.slice(0, MAX_ANSWER - 1)}…` : masked;
}
