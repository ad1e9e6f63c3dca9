/** A message's content before it is given a format: the same for markdown, plain text and HTML. */
export interface MessageBody {
  heading: string;
  fields: [label: string, value: string][];
  /** A titled list (failing hosts) and a titled block of verbatim lines (the log tail). */
  list?: { title: string; items: string[] };
  lines?: { title: string; lines: string[] };
  link?: { label: string; url: string };
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
/** Values come from repositories and people (ref names, log lines): they must not turn into links, mentions or markup. */
const escapeMarkdown = (text: string) => text.replace(/[\\`*_[\]<>#|!]/g, (c) => `\\${c}`).replace(/\r?\n/g, ' ');

export function toMarkdown(body: MessageBody): string {
  const out = [`### ${escapeMarkdown(body.heading)}`, '', ...body.fields.map(([label, value]) => `- ${label}：${escapeMarkdown(value)}`)];
  if (body.list) out.push('', `**${body.list.title}**`, '', ...body.list.items.map((item) => `- ${escapeMarkdown(item)}`));
  if (body.lines && body.lines.lines.length > 0) out.push('', `**${body.lines.title}**`, '', ...body.lines.lines.map((line) => `> ${escapeMarkdown(line) || ' '}`));
  if (body.link) out.push('', `[${body.link.label}](${body.link.url})`);
  return out.join('\n');
}

export function toText(body: MessageBody): string {
  const out = [body.heading, '', ...body.fields.map(([label, value]) => `${label}: ${value}`)];
  if (body.list) out.push('', `${body.list.title}:`, ...body.list.items.map((item) => `  - ${item}`));
  if (body.lines && body.lines.lines.length > 0) out.push('', `${body.lines.title}:`, ...body.lines.lines.map((line) => `  | ${line}`));
  if (body.link) out.push('', `${body.link.label}: ${body.link.url}`);
  return `${out.join('\n')}\n`;
}

export function toHtml(body: MessageBody): string {
  const out = [`<h3>${escapeHtml(body.heading)}</h3>`, '<table>'];
  for (const [label, value] of body.fields) out.push(`<tr><th align="left">${escapeHtml(label)}</th><td>${escapeHtml(value)}</td></tr>`);
  out.push('</table>');
  if (body.list) out.push(`<p><b>${escapeHtml(body.list.title)}</b></p><ul>${body.list.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`);
  if (body.lines && body.lines.lines.length > 0) out.push(`<p><b>${escapeHtml(body.lines.title)}</b></p><pre>${escapeHtml(body.lines.lines.join('\n'))}</pre>`);
  if (body.link) out.push(`<p><a href="${escapeHtml(body.link.url)}">${escapeHtml(body.link.label)}</a></p>`);
  return out.join('\n');
}
