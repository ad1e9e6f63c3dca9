import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';

export interface SshHost {
  host: string;
  port: number;
  username: string;
  /** OpenSSH-format ed25519 private key accepted by every host of the same `startSshHosts` call. */
  privateKey: string;
  /** `SHA256:…` of this host's own host key, as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
  /** An empty directory owned by the login user, for deploy paths of this host. */
  deployRoot: string;
  /** The host's temp dir (config, keys, logs); removed by stop(). */
  dir: string;
  /** sshd's pid: its mount namespace is the one the host's sessions see (`nsenter -t <pid> -m`). */
  pid: number;
  /** With `deployMount`: where `deployRoot` appears to the host's sessions. */
  deployMount?: string;
  stop(): Promise<void>;
}

export interface SshHosts {
  hosts: SshHost[];
  /** Where the shared client key pair lives (the private key is also in each host's `privateKey`). */
  clientKeyPath: string;
  stopAll(): Promise<void>;
}

export interface StartSshHostsOptions {
  /** Parent of all temp dirs; default the OS temp dir. */
  baseDir?: string;
  /** Extra sshd_config lines (e.g. `MaxSessions 20`). */
  extraConfig?: string[];
  /**
   * Give sessions an empty HOME inside the host's temp dir (default true), so the developer's dotfiles do not run
   * on every command: bash sources ~/.bashrc for each SSH exec, and a pyenv/nvm init there costs ~100 ms CPU per
   * command, which would dominate test and benchmark timings. Set false to measure with the real login environment.
   */
  isolateHome?: boolean;
  /**
   * With the isolated HOME: the text of its `~/.bashrc` (and a `~/.bash_profile` that sources it), so every SSH
   * command pays a chosen login-shell cost, e.g. a version manager's init, the same on every machine.
   */
  bashrc?: string;
  /**
   * Root only: run each sshd in its own mount namespace with its deploy root bind-mounted at this absolute path, so
   * several hosts on one machine can share one deploy path (as an environment's servers do) without sharing files.
   * The test still reads each host's files through `deployRoot`.
   */
  deployMount?: string;
}

// One exit hook for every sshd child of this process, however many hosts are started.
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

const SSHD_CANDIDATES = ['/usr/sbin/sshd', '/usr/local/sbin/sshd', '/sbin/sshd'];

function findSshd(): string {
  const found = SSHD_CANDIDATES.find((p) => existsSync(p));
  if (found) return found;
  if (process.getuid?.() === 0) {
    // Debian's openssh-server does not start a daemon on install here; we only need the binary.
    execFileSync('apt-get', ['install', '-y', '-q', 'openssh-server'], { stdio: 'ignore', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    const installed = SSHD_CANDIDATES.find((p) => existsSync(p));
    if (installed) return installed;
  }
  throw new Error('sshd not found; install openssh-server (apt-get install -y openssh-server)');
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once sshd sends its version banner, which is when it accepts logins. */
async function waitForBanner(port: number, child: ChildProcess, logPath: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`sshd on port ${port} exited with ${child.exitCode}: ${readLog(logPath)}`);
    const banner = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.once('data', (data) => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (banner) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`sshd on port ${port} did not start within ${timeoutMs} ms: ${readLog(logPath)}`);
}

function readLog(path: string): string {
  try {
    return readFileSync(path, 'utf8').slice(-2000);
  } catch {
    return '(no log)';
  }
}

function keygen(path: string, comment: string): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path], { stdio: 'ignore' });
}

function fingerprintOfKeyFile(pubPath: string): string {
  // "256 SHA256:abc… comment (ED25519)"
  const out = execFileSync('ssh-keygen', ['-l', '-E', 'sha256', '-f', pubPath], { encoding: 'utf8' });
  const fp = out.split(' ')[1];
  if (!fp?.startsWith('SHA256:')) throw new Error(`unexpected ssh-keygen output: ${out}`);
  return fp;
}

/**
 * Starts `n` throwaway OpenSSH servers on 127.0.0.1, each a child `sshd -D` with its own host key, config, pid file
 * and deploy root, all accepting one fresh client key for the current user. Works as root and as an ordinary user
 * (ports are always > 1024). Call `stopAll()` in afterAll; the children are also killed when this process exits.
 */
export async function startSshHosts(n: number, options: StartSshHostsOptions = {}): Promise<SshHosts> {
  if (options.bashrc !== undefined && options.isolateHome === false) throw new Error('bashrc needs the isolated HOME (isolateHome: true)');
  const sshd = findSshd();
  const username = userInfo().username;
  const base = mkdtempSync(join(options.baseDir ?? tmpdir(), 'rp-ssh-'));
  const clientKeyPath = join(base, 'client_ed25519');
  keygen(clientKeyPath, 'rp-test-client');
  const privateKey = readFileSync(clientKeyPath, 'utf8');
  const publicKey = readFileSync(`${clientKeyPath}.pub`, 'utf8');
  if (options.deployMount) {
    if (process.getuid?.() !== 0) throw new Error('deployMount needs root (mount namespaces); run the tests as root');
    mkdirSync(options.deployMount, { recursive: true });
  }
  if (process.getuid?.() === 0) {
    // sshd as root insists on its privilege separation directory even with a private config.
    mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  }

  const starts = Array.from({ length: n }, async (_, i): Promise<SshHost> => {
    const dir = join(base, `host${i + 1}`);
    const deployRoot = join(dir, 'deploy');
    mkdirSync(deployRoot, { recursive: true });
    const hostKey = join(dir, 'ssh_host_ed25519_key');
    keygen(hostKey, `rp-test-host${i + 1}`);
    writeFileSync(join(dir, `authorized_keys.${username}`), publicKey, { mode: 0o600 });
    const logPath = join(dir, 'sshd.log');
    const home = join(dir, 'home');
    mkdirSync(home);
    if (options.bashrc !== undefined) {
      writeFileSync(join(home, '.bashrc'), options.bashrc);
      writeFileSync(join(home, '.bash_profile'), '. "$HOME/.bashrc"\n');
    }
    let lastError: unknown;
    // A port found free can be taken by someone else before sshd binds it; a fresh port on retry fixes that.
    for (let attempt = 0; attempt < 3; attempt++) {
      const port = await freePort();
      const configPath = join(dir, 'sshd_config');
      writeFileSync(
        configPath,
        [
          `Port ${port}`,
          'ListenAddress 127.0.0.1',
          `HostKey ${hostKey}`,
          `PidFile ${join(dir, 'sshd.pid')}`,
          `AuthorizedKeysFile ${join(dir, 'authorized_keys.%u')}`,
          'PasswordAuthentication no',
          'KbdInteractiveAuthentication no',
          'PubkeyAuthentication yes',
          'UsePAM no',
          'StrictModes no',
          'PermitRootLogin prohibit-password',
          'AllowTcpForwarding yes',
          'MaxSessions 16',
          'MaxStartups 100:30:200',
          'Subsystem sftp internal-sftp',
          'LogLevel ERROR',
          ...(options.isolateHome === false ? [] : [`SetEnv HOME=${home}`]),
          ...(options.extraConfig ?? []),
          '',
        ].join('\n'),
      );
      const child = options.deployMount
        ? spawn('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', 'mount --bind "$1" "$2" && exec "$3" -D -e -f "$4"', 'sh', deployRoot, options.deployMount, sshd, configPath], {
            stdio: ['ignore', 'ignore', 'pipe'],
          })
        : spawn(sshd, ['-D', '-e', '-f', configPath], { stdio: ['ignore', 'ignore', 'pipe'] });
      const chunks: Buffer[] = [];
      child.stderr?.on('data', (c: Buffer) => {
        chunks.push(c);
        writeFileSync(logPath, Buffer.concat(chunks));
      });
      running.add(child);
      child.once('exit', () => running.delete(child));
      try {
        await waitForBanner(port, child, logPath);
      } catch (err) {
        lastError = err;
        child.kill('SIGKILL');
        continue;
      }
      const stop = async () => {
        if (child.exitCode === null && child.signalCode === null) {
          const exited = new Promise((resolve) => child.once('exit', resolve));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((r) => setTimeout(r, 2000))]);
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
        }
        rmSync(dir, { recursive: true, force: true });
      };
      return {
        host: '127.0.0.1',
        port,
        username,
        privateKey,
        hostKeyFingerprint: fingerprintOfKeyFile(`${hostKey}.pub`),
        deployRoot,
        dir,
        // unshare and sh exec into sshd, so the child is sshd itself, inside the namespace.
        pid: child.pid ?? 0,
        ...(options.deployMount ? { deployMount: options.deployMount } : {}),
        stop,
      };
    }
    throw lastError instanceof Error ? lastError : new Error(String(lastError));
  });

  const settled = await Promise.allSettled(starts);
  const hosts = settled.flatMap((s) => (s.status === 'fulfilled' ? [s.value] : []));
  const failure = settled.find((s) => s.status === 'rejected');
  const stopAll = async () => {
    await Promise.all(hosts.map((h) => h.stop()));
    rmSync(base, { recursive: true, force: true });
  };
  if (failure) {
    await stopAll();
    throw failure.reason;
  }
  return { hosts, clientKeyPath, stopAll };
}
