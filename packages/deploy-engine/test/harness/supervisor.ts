import { execFileSync, spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SshHost } from './ssh-hosts.js';

export interface HostSupervisor {
  /** The supervisor's directory as the host's sessions see it (inside `deployMount` when the host has one). */
  dir: string;
  /** Its supervisord.conf, for `supervisorctl -c` (a project's `supervisor.configPath`), as the host sees it. */
  configPath: string;
  /** The `[include]` directory (a project's `supervisor.programDir`), as the host sees it. */
  programDir: string;
  /** The same program directory through the test process's own view of the files. */
  programDirHere: string;
  /** Runs `supervisorctl -c <configPath> <args>` in the host's mount namespace; stdout and the exit status. */
  ctl(...args: string[]): { status: number | null; stdout: string };
  stop(): Promise<void>;
}

export interface StartSupervisorOptions {
  /** Directory under the host's deploy root (hence the same path on every host with `deployMount`); default `supervisor`. */
  subdir?: string;
}

const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

function findSupervisord(): string {
  const found = ['/usr/bin/supervisord', '/usr/local/bin/supervisord'].find((p) => existsSync(p));
  if (found) return found;
  if (process.getuid?.() === 0) {
    execFileSync('apt-get', ['install', '-y', '-q', 'supervisor'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (existsSync('/usr/bin/supervisord')) return '/usr/bin/supervisord';
  }
  throw new Error('supervisord not found; install supervisor (apt-get install -y supervisor)');
}

/**
 * Starts `supervisord -n` for one SSH host, as a child of the test process, in the host's mount namespace (so the
 * programs it runs see the host's deploy path) with its own socket, pid file, log and `[include]` directory. Debian's
 * package also installs a system-wide supervisord; this one shares nothing with it.
 */
export async function startSupervisor(host: SshHost, options: StartSupervisorOptions = {}): Promise<HostSupervisor> {
  const supervisord = findSupervisord();
  const subdir = options.subdir ?? 'supervisor';
  const here = join(host.deployRoot, subdir);
  const dir = join(host.deployMount ?? host.deployRoot, subdir);
  mkdirSync(join(here, 'conf.d'), { recursive: true });
  const configPath = `${dir}/supervisord.conf`;
  writeFileSync(
    join(here, 'supervisord.conf'),
    [
      '[unix_http_server]',
      `file=${dir}/supervisor.sock`,
      'chmod=0700',
      '[supervisord]',
      `pidfile=${dir}/supervisord.pid`,
      `logfile=${dir}/supervisord.log`,
      `childlogdir=${dir}`,
      'nodaemon=true',
      '[rpcinterface:supervisor]',
      'supervisor.rpcinterface_factory = supervisor.rpcinterface:make_main_rpcinterface',
      '[supervisorctl]',
      `serverurl=unix://${dir}/supervisor.sock`,
      '[include]',
      `files=${dir}/conf.d/*.conf`,
      '',
    ].join('\n'),
  );
  const inNamespace = (command: string[]) => (host.deployMount ? ['nsenter', '-t', String(host.pid), '-m', ...command] : command);
  const [program, ...args] = inNamespace([supervisord, '-n', '-c', configPath]) as [string, ...string[]];
  // nsenter without --fork execs supervisord: the child is supervisord itself.
  const child = spawn(program, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
  running.add(child);
  child.once('exit', () => running.delete(child));

  const ctl = (...ctlArgs: string[]) => {
    const [p, ...a] = inNamespace(['supervisorctl', '-c', configPath, ...ctlArgs]) as [string, ...string[]];
    const out = spawnSync(p, a, { encoding: 'utf8', timeout: 30_000 });
    return { status: out.status, stdout: `${out.stdout}${out.stderr}` };
  };
  const deadline = Date.now() + 15_000;
  // `status` exits 4 while nothing listens on the socket, 0 or 3 once supervisord answers.
  while (![0, 3].includes(ctl('status').status ?? -1)) {
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill('SIGKILL');
      const log = existsSync(join(here, 'supervisord.log')) ? readFileSync(join(here, 'supervisord.log'), 'utf8').slice(-2000) : '';
      throw new Error(`supervisord for ${host.host}:${host.port} did not start: ${stderr}${log}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // SIGTERM: supervisord stops its programs (their whole process groups, with stopasgroup) before it exits.
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  return { dir, configPath, programDir: `${dir}/conf.d`, programDirHere: join(here, 'conf.d'), ctl, stop };
}
