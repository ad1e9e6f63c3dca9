import { expect } from 'vitest';
import type { AlertEvent } from '@rp/contract/rules';
import type { TestApp, TestUser } from './test-app.js';

/** Polls an async check until it holds. */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A channel added through the API as the group's owner would. */
export async function addChannel(t: TestApp, owner: TestUser, body: { groupId: string; kind: string; secret: object; settings?: object; name?: string }): Promise<string> {
  const response = await t.call(owner.token, { method: 'POST', url: '/api/notification-channels', payload: { name: `${body.kind}-${Math.random().toString(36).slice(2, 8)}`, ...body } });
  expect(response.statusCode, response.body).toBe(201);
  return (response.json() as { id: string }).id;
}

/** An alert rule stored as the rules API stores it (that API has its own tests). */
export async function addRule(
  t: TestApp,
  rule: { groupId?: string; projectId?: string; environmentId?: string; events: AlertEvent[]; channelIds: string[]; onlyFailures?: boolean; environmentPattern?: string; locale?: string; users?: string[]; emails?: string[] },
): Promise<string> {
  const { channelIds, users = [], emails = [], ...rest } = rule;
  const row = await t.db.alertRule.create({
    data: { name: `rule-${Math.random().toString(36).slice(2, 8)}`, ...rest, recipients: { users, emails }, channels: { create: channelIds.map((channelId) => ({ channelId })) } },
  });
  return row.id;
}

export const deliveriesOf = (t: TestApp, channelId: string) =>
  t.db.notificationDelivery.findMany({ where: { channelId }, orderBy: { id: 'asc' }, include: { event: { select: { type: true, releaseId: true } } } });
