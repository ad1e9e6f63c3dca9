import { createHmac, timingSafeEqual } from 'node:crypto';
import type { Reply, Robot } from './robot.js';

/** What the DingTalk robot API answers: HTTP 200 always, the verdict in `errcode`. */
const answer = (errcode: number, errmsg: string): Reply => ({ status: 200, body: { errcode, errmsg } });

/** A DingTalk custom robot (POST /robot/send?access_token=…): checks the token, the 加签 signature, the keyword and the markdown shape. */
export function dingtalkRobot(o: { accessToken: string; signSecret?: string; keyword?: string }): Robot {
  return {
    path: '/robot/send',
    handle(url, _headers, raw) {
      if (url.searchParams.get('access_token') !== o.accessToken) return answer(300001, 'token is not exist');
      if (o.signSecret) {
        const timestamp = url.searchParams.get('timestamp') ?? '';
        const sign = Buffer.from(url.searchParams.get('sign') ?? '', 'base64');
        const expected = createHmac('sha256', o.signSecret).update(`${timestamp}\n${o.signSecret}`).digest();
        // DingTalk accepts a timestamp within an hour of its own clock.
        const fresh = Math.abs(Date.now() - Number(timestamp)) < 3_600_000;
        if (!fresh || sign.length !== expected.length || !timingSafeEqual(sign, expected)) return answer(310000, 'sign not match, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]');
      }
      const body = JSON.parse(raw) as { msgtype?: string; markdown?: { title?: unknown; text?: unknown }; at?: { atMobiles?: unknown; isAtAll?: unknown } };
      if (body.msgtype !== 'markdown' || typeof body.markdown?.title !== 'string' || typeof body.markdown.text !== 'string') return answer(40035, 'missing parameter markdown');
      if (body.at !== undefined && (!Array.isArray(body.at.atMobiles) || typeof body.at.isAtAll !== 'boolean')) return answer(40035, 'invalid at');
      if (o.keyword && !`${body.markdown.title}${body.markdown.text}`.includes(o.keyword)) return answer(310000, 'keywords not in content, more: [https://ding-doc.dingtalk.com/doc#/serverapi2/qf2nxq]');
      return answer(0, 'ok');
    },
  };
}
