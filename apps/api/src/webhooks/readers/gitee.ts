import { field, message, messageAmong, readPush, sha, text, unhandled, type Payload, type Reading } from './reading.js';

/** Gitee's "Push Hook" and "Tag Push Hook" (GitLab-like payloads with a `head_commit` and a `deleted` flag). */
export function readGitee(event: string, body: Payload): Reading {
  if (event !== 'Push Hook' && event !== 'Tag Push Hook') return unhandled(event);
  const head = sha(field(body.head_commit, 'id')) ?? sha(body.after);
  return readPush(event, {
    fullRef: body.ref,
    after: body.after,
    head,
    message: message(field(body.head_commit, 'message')) ?? messageAmong(body.commits, head),
    pusher: text(field(body.pusher, 'username'), 255) ?? text(field(body.pusher, 'name'), 255) ?? text(body.user_name, 255),
    deleted: body.deleted === true,
    empty: event === 'Push Hook' && body.total_commits_count === 0,
  });
}
