import type { AlertEvent, MessageLocale } from '@rp/contract/rules';
import type { EventFacts, ReleaseFacts, ServiceFacts } from '../facts.js';
import type { NotificationMessage } from '../message.js';
import { toHtml, toMarkdown, toText, type MessageBody } from './body.js';
import { PHRASES, type Phrases } from './phrases.js';

export interface RenderOptions {
  locale: MessageLocale;
  /** PUBLIC_URL: where the release page link points; no link without it. */
  publicUrl: string | null;
}

const shortCommit = (commit: string) => commit.slice(0, 8);
/** An engine error ends with what the command printed, after the command itself: the end is what says why. */
const gist = (error: string, max: number) => {
  const line = error.split('\n')[0]!;
  return line.length > max ? `…${line.slice(-max)}` : line;
};

function duration(p: Phrases, ms: number): string {
  const seconds = Math.round(ms / 1000);
  return p.minutesSeconds(Math.floor(seconds / 60), seconds % 60);
}

export function releaseLink(publicUrl: string | null, releaseId: string): string | null {
  return publicUrl ? `${publicUrl}/releases/${releaseId}` : null;
}

function releaseTitle(p: Phrases, type: AlertEvent, f: ReleaseFacts): string {
  const kind = f.releaseKind === 'rollback' ? ` (${p.rollback})` : f.releaseKind === 'scale_out' ? ` (${p.scaleOut})` : '';
  return `${p.tag(p.event[type])}${f.project} / ${f.environment} · ${f.ref}${kind}`;
}

function serviceTitle(p: Phrases, type: AlertEvent, f: ServiceFacts): string {
  return `${p.tag(p.event[type])}${f.service} @ ${f.server}`;
}

function releaseBody(p: Phrases, type: AlertEvent, f: ReleaseFacts, publicUrl: string | null): MessageBody {
  const people = f.origin === 'webhook' && f.pusher ? `${f.pusher} (${p.via.webhook})` : f.origin === 'trigger' ? `${f.creator.displayName} (${p.via.trigger})` : `${f.creator.displayName} (${f.creator.username})`;
  const fields: MessageBody['fields'] = [
    [p.project, `${f.group}/${f.project}`],
    [p.environment, f.environment],
    [p.version, `${f.ref} (${shortCommit(f.commit)})`],
    [f.origin === 'webhook' ? p.pusher : p.creator, people],
  ];
  if ((type === 'approved' || type === 'rejected') && f.reviewer) fields.push([p.reviewer, f.reviewComment ? `${f.reviewer}: ${f.reviewComment}` : f.reviewer]);
  if (f.durationMs !== null) fields.push([p.duration, duration(p, f.durationMs)]);
  if (f.startedAt) {
    const counts = Object.entries(f.counts).map(([state, n]) => `${p.hostState[state] ?? state} ${n}`);
    fields.push([p.hosts, `${counts.join(' · ')} (${p.total(f.total)})`]);
  }
  if (f.error && ['failed', 'rolled_back', 'aborted', 'interrupted'].includes(type)) fields.push([p.error, gist(f.error, 300)]);
  const body: MessageBody = { heading: `${p.icon[type]} ${releaseTitle(p, type, f)}`, fields };
  if (f.failingHosts.length > 0) {
    const hidden = (f.counts.failed ?? 0) + (f.counts.rolled_back ?? 0) + (f.counts.aborted ?? 0) + (f.counts.interrupted ?? 0) - f.failingHosts.length;
    const items = f.failingHosts.map((h) => `${h.name} (${h.host}) ${p.hostState[h.state] ?? h.state}${h.stage ? ` @ ${h.stage}` : ''}${h.error ? `: ${gist(h.error, 200)}` : ''}`);
    if (hidden > 0) items.push(p.more(hidden));
    body.list = { title: p.failingHosts, items };
  }
  if (f.failedStage && f.logTail.length > 0) body.lines = { title: p.logTail(f.failedStage, f.logTail.length), lines: f.logTail };
  const url = releaseLink(publicUrl, f.releaseId);
  if (url) body.link = { label: p.open, url };
  return body;
}

function serviceBody(p: Phrases, type: AlertEvent, f: ServiceFacts): MessageBody {
  const fields: MessageBody['fields'] = [
    [p.service, f.service],
    [p.server, f.server],
  ];
  if (f.detail) fields.push([p.detail, f.detail]);
  return { heading: `${p.icon[type]} ${serviceTitle(p, type, f)}`, fields };
}

/** The title and content of one event's message, in the rule's language, as every channel kind needs it. */
export function renderEvent(type: AlertEvent, facts: EventFacts, { locale, publicUrl }: RenderOptions): NotificationMessage & { body: MessageBody } {
  const p = PHRASES[locale];
  const body = facts.kind === 'release' ? releaseBody(p, type, facts, publicUrl) : serviceBody(p, type, facts);
  const title = facts.kind === 'release' ? releaseTitle(p, type, facts) : serviceTitle(p, type, facts);
  return { event: type, title, markdown: toMarkdown(body), text: toText(body), html: toHtml(body), body };
}

/**
 * Several messages folded into one when a channel's rate limit leaves no room for each: every message whole, in
 * order, under one title. Nothing is dropped.
 */
export function renderDigest(messages: (NotificationMessage & { body: MessageBody })[], locale: MessageLocale): NotificationMessage {
  const title = PHRASES[locale].digest(messages.length);
  return {
    event: 'digest',
    title,
    markdown: [`## ${title}`, ...messages.map((m) => m.markdown)].join('\n\n---\n\n'),
    text: [title, ...messages.map((m) => m.text)].join('\n----\n'),
    html: [`<h2>${title}</h2>`, ...messages.map((m) => m.html)].join('\n<hr>\n'),
  };
}
