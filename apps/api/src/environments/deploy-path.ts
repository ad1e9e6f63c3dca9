import { relativePathProblem } from '../projects/validation.js';

/**
 * Trees a release must never be unpacked into, linked over or cleaned up in: the engine creates `releases/`,
 * `shared/` and `current` under the deploy path and deletes old releases there, as the deploy user (often root).
 */
const SYSTEM_TREES = ['/etc', '/proc', '/sys', '/dev', '/boot', '/root', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/usr', '/run', '/var/run', '/var/lib', '/var/log', '/var/spool', '/var/cache', '/lost+found', '/snap'];

/** Inside a system tree but meant for local installs: allowed below, never the directory itself. */
const LOCAL_TREES = ['/usr/local', '/var/lib/docker/volumes'];

/** Shared parents: fine to deploy below (`/srv/shop`), never to take over whole (`/srv`). */
const SHARED_PARENTS = ['/home', '/opt', '/srv', '/tmp', '/var', '/mnt', '/media', '/var/www', '/var/opt', '/usr/local', '/var/lib/docker/volumes'];

const within = (path: string, tree: string) => path === tree || path.startsWith(`${tree}/`);

/**
 * Why an absolute deploy path is refused, or null. Repeated slashes collapse and `.` or `..` segments are refused
 * outright, so the path compared is the one the host resolves: `//etc` is `/etc`, and `/srv/../etc` never gets here.
 */
export function deployPathProblem(input: string): string | null {
  const path = input.replace(/\/+/g, '/').replace(/\/$/, '');
  if (path === '') return 'must not be "/"';
  const segments = relativePathProblem(path.slice(1));
  if (segments) return segments;
  if (SHARED_PARENTS.includes(path)) return `must be a directory of its own below ${path}, not ${path} itself`;
  const system = SYSTEM_TREES.find((tree) => within(path, tree));
  if (system && !LOCAL_TREES.some((tree) => within(path, tree))) return `must not be inside the system directory ${system}`;
  return null;
}
