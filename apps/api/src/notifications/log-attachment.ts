import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import { logText } from '../releases/views.js';
import type { DbTx } from '../shared/db.js';
import type { MailAttachment } from './message.js';

const gzipped = promisify(gzip);

/** Up to this size the log goes as plain text; beyond, gzipped; a gzip still over the cap is not attached at all. */
export const PLAIN_LOG_MAX = 512 * 1024;
export const ATTACHED_LOG_MAX = 8 * 1024 * 1024;

/**
 * The release log for an e-mail: `release-<id>.log`, or `.log.gz` when large; null when even gzipped it is too big for
 * mail servers' limits (the message then links to the release page instead).
 */
export async function logAttachment(db: DbTx, releaseId: string, limits = { plain: PLAIN_LOG_MAX, attached: ATTACHED_LOG_MAX }): Promise<MailAttachment | null> {
  const text = Buffer.from(await logText({ db }, { id: releaseId }));
  if (text.length <= limits.plain) return { filename: `release-${releaseId}.log`, content: text, contentType: 'text/plain; charset=utf-8' };
  const packed = await gzipped(text);
  if (packed.length > limits.attached) return null;
  return { filename: `release-${releaseId}.log.gz`, content: packed, contentType: 'application/gzip' };
}
