import { field, messageAmong, readPush, sha, text, unhandled, message, type Payload, type Reading } from './reading.js';

/**
 * GitLab's push, tag push and pipeline deliveries (X-Gitlab-Event "Push Hook", "Tag Push Hook", "Pipeline Hook").
 * A push's head commit is `checkout_sha` (`after` on older GitLab); its message is among `commits` unless the push
 * had more than 20 (`total_commits_count`), when the caller may ask GitLab's API.
 */
export function readGitLab(event: string, body: Payload): Reading {
  if (event === 'Push Hook' || event === 'Tag Push Hook') {
    const head = sha(body.checkout_sha) ?? sha(body.after);
    return readPush(event, {
      fullRef: body.ref,
      after: body.after,
      head,
      message: messageAmong(body.commits, head),
      pusher: text(body.user_username, 255) ?? text(body.user_name, 255),
      deleted: false,
      empty: event === 'Push Hook' && body.total_commits_count === 0,
    });
  }
  if (event === 'Pipeline Hook') {
    const attributes = body.object_attributes;
    const status = text(field(attributes, 'status'), 32) ?? 'unknown';
    const ref = text(field(attributes, 'ref'), 1024);
    const reading: Reading = {
      event,
      trigger: 'pipeline',
      ref,
      refKind: field(attributes, 'tag') === true ? 'tag' : 'branch',
      commit: sha(field(attributes, 'sha')),
      message: message(field(body.commit, 'message')),
      pusher: text(field(body.user, 'username'), 255),
      ignored: null,
    };
    if (status !== 'success') return { ...reading, ignored: `pipeline ${status}: only a pipeline that succeeded releases` };
    if (!ref || !reading.commit) return { ...reading, ignored: 'the pipeline names no ref or no full commit id' };
    return reading;
  }
  return unhandled(event);
}
