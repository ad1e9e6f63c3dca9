/** What a delivery asks the platform for, read from its payload as data only: nothing in it is ever run. */
export type Trigger = 'push' | 'tag_push' | 'pipeline';

export interface Reading {
  /** The sender's event header, as sent. */
  event: string;
  trigger: Trigger | null;
  /** Branch or tag name without refs/heads/ or refs/tags/. */
  ref: string | null;
  refKind: 'branch' | 'tag' | null;
  commit: string | null;
  /** The head commit's message; null when the delivery does not carry it. */
  message: string | null;
  pusher: string | null;
  /** Why nothing in this delivery can release, whatever the rules say; null when the rules decide. */
  ignored: string | null;
}

export type Payload = Record<string, unknown>;

const MESSAGE_LIMIT = 4000;
export const ZERO_SHA = /^0{40}$/;

/** A string field, cut to `max`; anything else (numbers, objects, arrays) is not taken as text. */
export const text = (value: unknown, max: number): string | null => (typeof value === 'string' && value.length > 0 ? value.slice(0, max) : null);
export const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Payload)[key] : undefined);
export const message = (value: unknown) => text(value, MESSAGE_LIMIT);
/** A full commit id; an abbreviated or malformed one is not something a release can be made of. */
export const sha = (value: unknown): string | null => {
  const id = text(value, 64);
  return id && /^[0-9a-f]{40}$/.test(id) ? id : null;
};

/** `refs/heads/x` → branch x, `refs/tags/v1` → tag v1; anything else is no ref a release can be made of. */
export function refOf(fullRef: unknown): { ref: string; refKind: 'branch' | 'tag' } | null {
  const ref = text(fullRef, 1024);
  const match = ref ? /^refs\/(heads|tags)\/(.+)$/.exec(ref) : null;
  if (!match?.[2]) return null;
  return { ref: match[2], refKind: match[1] === 'tags' ? 'tag' : 'branch' };
}

/** The message of the commit `id` among a push's commits (GitLab and Gitee send at most 20 of them). */
export function messageAmong(commits: unknown, id: string | null): string | null {
  if (!Array.isArray(commits) || !id) return null;
  return message(field(commits.find((c) => field(c, 'id') === id), 'message'));
}

export const unhandled = (event: string): Reading => ({
  event,
  trigger: null,
  ref: null,
  refKind: null,
  commit: null,
  message: null,
  pusher: null,
  ignored: `${event ? `event "${event}"` : 'a delivery without an event header'} is not one the platform releases on`,
});

/**
 * A push or tag push in the shape GitLab, GitHub and Gitee share: `ref`, `after` (all zeros when the ref was deleted)
 * and the head commit's message wherever that sender puts it.
 */
export function readPush(event: string, push: { fullRef: unknown; after: unknown; head: unknown; message: string | null; pusher: string | null; deleted: boolean; empty: boolean }): Reading {
  const named = refOf(push.fullRef);
  const after = text(push.after, 64);
  const base = { event, ref: named?.ref ?? text(push.fullRef, 1024), refKind: named?.refKind ?? null, message: push.message, pusher: push.pusher };
  const trigger: Trigger | null = named ? (named.refKind === 'tag' ? 'tag_push' : 'push') : null;
  const commit = sha(push.head) ?? sha(after);
  if (push.deleted || (after !== null && ZERO_SHA.test(after))) return { ...base, trigger, commit: null, ignored: `${named?.refKind ?? 'ref'} deleted` };
  if (!named) return { ...base, trigger: null, commit, ignored: 'the pushed ref is neither a branch nor a tag' };
  if (push.empty) return { ...base, trigger, commit, ignored: 'a push without commits' };
  if (!commit) return { ...base, trigger, commit: null, ignored: 'the delivery names no full commit id' };
  return { ...base, trigger, commit, ignored: null };
}
