import type { NotificationMessage } from './message.js';

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** The fixed message of "send test message", in both languages so every reader of the group understands it. */
export function testMessage(channelName: string): NotificationMessage {
  const title = '发布平台测试消息 / Release platform test message';
  const zh = `这是一条测试消息：通知渠道「${channelName}」可以正常发送。`;
  const en = `This is a test message: notification channel "${channelName}" works.`;
  return {
    event: 'test',
    title,
    markdown: `### ${title}\n\n${zh}\n\n${en}`,
    text: `${title}\n\n${zh}\n\n${en}\n`,
    html: `<h3>${escapeHtml(title)}</h3><p>${escapeHtml(zh)}</p><p>${escapeHtml(en)}</p>`,
  };
}
