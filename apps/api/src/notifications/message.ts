/** A file sent with an e-mail (the release log); robots and webhooks have no attachments. */
export interface MailAttachment {
  filename: string;
  content: Buffer;
  contentType: string;
}

/** One notification, in every form a channel kind may need; each kind picks its own. */
export interface NotificationMessage {
  /** What happened (`release.failed`, `test`): the generic webhook's `event` field. */
  event?: string;
  title: string;
  markdown: string;
  text: string;
  html: string;
  attachments?: MailAttachment[];
  /** Who to @-mention on robots (mobiles) and who else receives an e-mail (addresses). */
  mentions?: { mobiles: string[]; emails: string[] };
  /** A personal message: an e-mail goes to the mentioned addresses only, not to the channel's default recipients. */
  personal?: boolean;
  /** The facts behind the message, for receivers that read data (the generic webhook). */
  data?: unknown;
  /** The same for every attempt of one delivery, so a receiver that keeps it can drop a repeat. */
  idempotencyKey?: string;
}

export interface SendResult {
  ok: boolean;
  /** What the remote side said, secrets masked, at most 2,000 characters. */
  answer: string;
}

export interface SendOptions {
  timeoutMs: number;
}

export const unique = (values: string[]) => [...new Set(values)];
