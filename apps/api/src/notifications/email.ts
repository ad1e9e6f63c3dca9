import nodemailer from 'nodemailer';
import type { EmailSecret, EmailSettings } from '@rp/contract/notifications';
import { unique, type NotificationMessage, type SendOptions, type SendResult } from './message.js';

/** nodemailer's failures (connection, greeting, auth, refused recipients) carry a code; anything else is our bug. */
const isMailError = (error: unknown): error is Error & { code: string; response?: string } =>
  error instanceof Error && typeof (error as { code?: unknown }).code === 'string';

/**
 * E-mail over SMTP with nodemailer: HTML and plain text, attachments (the release log). Every phase has our timeout
 * (connect, greeting, each socket wait), so a dead server ends the attempt instead of holding it.
 */
export async function sendEmail(settings: EmailSettings, secret: EmailSecret, message: NotificationMessage, { timeoutMs }: SendOptions): Promise<SendResult> {
  const to = unique([...(message.personal ? [] : (settings.to ?? [])), ...(message.mentions?.emails ?? [])]);
  if (to.length === 0) return { ok: false, answer: 'no recipients: set the channel\'s default recipients (to)' };
  const transport = nodemailer.createTransport({
    host: settings.host.replace(/^\[(.*)\]$/, '$1'),
    port: settings.port,
    secure: settings.security === 'tls',
    requireTLS: settings.security === 'starttls',
    ignoreTLS: settings.security === 'none',
    auth: settings.user ? { user: settings.user, pass: secret.password ?? '' } : undefined,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    dnsTimeout: timeoutMs,
  });
  try {
    const info = await transport.sendMail({
      from: settings.from,
      to,
      subject: message.title,
      text: message.text,
      html: message.html,
      attachments: message.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
    });
    const rejected = info.rejected.map(String);
    return { ok: rejected.length === 0, answer: [info.response, rejected.length > 0 ? `rejected: ${rejected.join(', ')}` : ''].filter(Boolean).join('; ') };
  } catch (error) {
    if (!isMailError(error)) throw error;
    return { ok: false, answer: `${error.code}: ${error.message}` };
  } finally {
    transport.close();
  }
}
