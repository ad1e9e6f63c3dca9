/** What an operator should check, by the kind of connection failure; null when the error says nothing more. */
export type ConnectionAdvice = 'auth' | 'refused' | 'timeout' | 'dns' | 'hostKey' | 'notSsh' | 'command';

/**
 * The common causes behind a failed connection test, told apart by the error code and the words of the SSH library
 * and the operating system in the message (which the raw text keeps, on hover).
 */
export function connectionAdvice(errorCode: string | null | undefined, error: string | null | undefined): ConnectionAdvice | null {
  const text = error ?? '';
  if (errorCode === 'host-key-mismatch') return 'hostKey';
  if (errorCode === 'command-failed') return 'command';
  if (/authentication methods failed|permission denied|publickey/i.test(text)) return 'auth';
  if (/ECONNREFUSED|connection refused/i.test(text)) return 'refused';
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/i.test(text)) return 'dns';
  if (/ETIMEDOUT|EHOSTUNREACH|ENETUNREACH|timed out|timeout/i.test(text)) return 'timeout';
  if (/protocol|handshake|banner|ECONNRESET|not SSH/i.test(text)) return 'notSsh';
  return null;
}
