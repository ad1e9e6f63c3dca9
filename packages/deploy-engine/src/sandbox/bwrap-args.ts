import { existsSync, lstatSync, readlinkSync, realpathSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where the sandboxed command finds its writable directories. */
export const SANDBOX_WORKSPACE = '/workspace';
export const SANDBOX_HOME = '/home/build';
export const SANDBOX_PATH = '/usr/local/bin:/usr/bin:/bin';

export interface BwrapSpec {
  /** Host directory bound writable at SANDBOX_WORKSPACE; the command starts there. */
  workspace: string;
  /** Host directory bound writable at SANDBOX_HOME (the project's dependency caches). */
  home: string;
  /** Host files bound read-only at the given path inside. */
  files: { host: string; inside: string }[];
  /** The command's whole environment. */
  env: Record<string, string>;
  network: boolean;
  /** Set when bwrap runs as root: the command switches to this uid/gid inside, with every capability dropped. */
  dropTo: { uid: number; gid: number } | undefined;
  limits: { cpuSeconds: number; memoryMb: number };
  command: string[];
}

/** The top-level names of a merged-/usr system (symlinks into /usr) or their real directories on older layouts. */
const ROOT_LINKS = ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32'];

function systemBinds(): string[] {
  const args = ['--ro-bind', '/usr', '/usr', '--ro-bind', '/etc', '/etc'];
  for (const name of ROOT_LINKS) {
    const path = `/${name}`;
    if (!existsSync(path)) continue;
    if (lstatSync(path).isSymbolicLink()) args.push('--symlink', readlinkSync(path), path);
    else args.push('--ro-bind', path, path);
  }
  // systemd-resolved and similar point /etc/resolv.conf into /run, which the sandbox does not have.
  const resolv = existsSync('/etc/resolv.conf') ? realpathSync('/etc/resolv.conf') : undefined;
  if (resolv && !resolv.startsWith('/etc/') && !resolv.startsWith('/usr/')) args.push('--ro-bind', resolv, resolv);
  return args;
}

/** util-linux tools by absolute path: a build's declared PATH must not decide what enforces its limits. */
function systemTool(name: string): string {
  return ['/usr/bin', '/bin', '/usr/sbin', '/sbin'].map((dir) => `${dir}/${name}`).find((path) => existsSync(path)) ?? name;
}

/** Directories bwrap makes for mount points are 0700 root unless told otherwise, closed to the build uid. */
function parentDirs(path: string): string[] {
  const args: string[] = [];
  for (let dir = dirname(path); dir !== '/'; dir = dirname(dir)) args.unshift('--perms', '0755', '--dir', dir);
  return args;
}

/** The running Node's install prefix, when it is not under /usr (nvm, a tarball in /opt), so `npm` works inside. */
export function nodePrefix(): string | undefined {
  const prefix = dirname(dirname(process.execPath));
  return prefix === '/usr' || prefix.startsWith('/usr/') ? undefined : prefix;
}

/**
 * bwrap's argument vector: a new root with /usr and /etc read-only, fresh /proc, /dev and /tmp, the workspace and the
 * cache home as the only writable binds, new pid/ipc/uts (and optionally net) namespaces, a cleared environment, and
 * the command under prlimit (CPU seconds, address space, no core files).
 */
export function bwrapArgs(spec: BwrapSpec): string[] {
  const node = nodePrefix();
  const args = [...systemBinds()];
  if (node) args.push(...parentDirs(node), '--ro-bind', node, node);
  args.push('--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--tmpfs', '/tmp');
  args.push('--bind', spec.workspace, SANDBOX_WORKSPACE, ...parentDirs(SANDBOX_HOME), '--bind', spec.home, SANDBOX_HOME);
  for (const file of spec.files) args.push(...parentDirs(file.inside), '--ro-bind', file.host, file.inside);
  args.push('--chdir', SANDBOX_WORKSPACE);
  // As root no user namespace: the command drops to a real unprivileged uid instead, so what it writes is owned by
  // that uid on the host. Without root, bwrap needs a user namespace and the command keeps the platform's uid.
  args.push('--unshare-ipc', '--unshare-pid', '--unshare-uts', '--unshare-cgroup-try');
  if (!spec.dropTo) args.push('--unshare-user');
  if (!spec.network) args.push('--unshare-net');
  args.push('--die-with-parent', '--clearenv');
  for (const [name, value] of Object.entries(spec.env)) args.push('--setenv', name, value);
  args.push('--', systemTool('prlimit'), `--cpu=${spec.limits.cpuSeconds}`, `--as=${spec.limits.memoryMb * 1024 * 1024}`, '--core=0', '--');
  if (spec.dropTo) {
    const { uid, gid } = spec.dropTo;
    args.push(systemTool('setpriv'), `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--');
  }
  args.push(...spec.command);
  return args;
}

/** PATH inside the sandbox: the system's, behind the running Node's own bin directory when that lives elsewhere. */
export function sandboxPath(): string {
  const node = nodePrefix();
  return node ? `${node}/bin:${SANDBOX_PATH}` : SANDBOX_PATH;
}

/** bwrap's own environment: only the platform's PATH, to find bwrap where the host keeps it. */
export function bwrapEnv(): Record<string, string> {
  return { PATH: process.env.PATH ?? SANDBOX_PATH };
}
