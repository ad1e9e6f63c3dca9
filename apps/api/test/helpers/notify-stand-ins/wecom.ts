import type { Reply, Robot } from './robot.js';

const answer = (errcode: number, errmsg: string): Reply => ({ status: 200, body: { errcode, errmsg } });

/** A WeCom group robot (POST /cgi-bin/webhook/send?key=…): checks the key and the markdown shape and size. */
export function wecomRobot(o: { key: string }): Robot {
  return {
    path: '/cgi-bin/webhook/send',
    handle(url, _headers, raw) {
      if (url.searchParams.get('key') !== o.key) return answer(93000, 'invalid webhook url, hint: [1700000000_1_abc], from ip: 127.0.0.1');
      const body = JSON.parse(raw) as { msgtype?: string; markdown?: { content?: unknown } };
      if (body.msgtype !== 'markdown' || typeof body.markdown?.content !== 'string') return answer(40008, 'invalid message type');
      if (Buffer.byteLength(body.markdown.content) > 4096) return answer(40058, 'markdown.content exceed max length 4096');
      return answer(0, 'ok');
    },
  };
}
