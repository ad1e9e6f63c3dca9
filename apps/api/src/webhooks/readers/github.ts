import { field, message, readPush, text, unhandled, type Payload, type Reading } from './reading.js';

/** GitHub's `push` delivery (branches and tags alike; `ref` tells which). `ping` and every other event are ignored. */
export function readGitHub(event: string, body: Payload): Reading {
  if (event !== 'push') return unhandled(event);
  const head = body.head_commit;
  return readPush(event, {
    fullRef: body.ref,
    after: body.after,
    head: field(head, 'id'),
    message: message(field(head, 'message')),
    pusher: text(field(body.pusher, 'name'), 255) ?? text(field(body.sender, 'login'), 255),
    deleted: body.deleted === true,
    empty: false,
  });
}
