import type { Actor, RequestContext } from '../plugins/app/auth/actor.js';
import type { Db } from '../shared/db.js';
import type { SecretBox } from '../shared/secret-box.js';

/** Everything a request-side service may need; each one takes the part it uses, e.g. `Pick<ReleaseDeps, 'db' | 'ctx'>`. */
export interface ReleaseDeps {
  db: Db;
  /** Who is asking, from where: what the audit trail records. */
  ctx: RequestContext;
  /** Who is asking, with their roles: for the decisions that depend on the person. */
  actor: Actor;
  /** Decrypts what a release reads from the repository or the environment (Git tokens, secret variables). */
  secrets: SecretBox;
}
