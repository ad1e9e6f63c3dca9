import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface GitHttpsServer {
  /** https://127.0.0.1:<port>/<name> serves the repository `<root>/<name>`. */
  urlOf(name: string): string;
  port: number;
  /** Every Authorization header the server received, decoded (`user:password`). */
  basicCredentials: string[];
  /** Command lines of every process running while a request was served: what `ps` showed meanwhile. */
  commandLines: Set<string>;
  close(): Promise<void>;
}

/** Every process's argument vector from /proc, as `ps -eo args` shows it. */
function processCommandLines(): string[] {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      lines.push(readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim());
    } catch {
      // Gone meanwhile.
    }
  }
  return lines.filter((line) => line.length > 0);
}

/**
 * A real Git smart-HTTP server over TLS (git http-backend behind node:https) that requires HTTP Basic auth with one
 * username and password. Git trusts its self-signed certificate through the `http.<url>.sslCAInfo` setting in a
 * global git config under `home`, which the test makes the process's HOME. A machine-wide `GIT_SSL_CAINFO` (git
 * children inherit it, for Git servers behind an internal CA) would override that setting, so it is set aside
 * until the server closes.
 */
export async function startGitHttpsServer({ root, username, password }: { root: string; username: string; password: string }): Promise<GitHttpsServer & { home: string }> {
  const home = mkdtempSync(path.join(tmpdir(), 'rp-git-home-'));
  const key = path.join(home, 'key.pem');
  const cert = path.join(home, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  const basicCredentials: string[] = [];
  const commandLines = new Set<string>();
  const expected = `Basic ${Buffer.from(`${username}:${password}`).toString('base64')}`;

  const server: Server = createServer({ key: readFileSync(key), cert: readFileSync(cert) }, (request, response) => {
    for (const line of processCommandLines()) commandLines.add(line);
    const authorization = request.headers.authorization;
    if (authorization?.startsWith('Basic ')) basicCredentials.push(Buffer.from(authorization.slice(6), 'base64').toString('utf8'));
    if (authorization !== expected) {
      response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' });
      response.end('authentication required\n');
      return;
    }
    const url = new URL(request.url ?? '/', 'https://127.0.0.1');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH ?? '/usr/bin:/bin',
        GIT_PROJECT_ROOT: root,
        GIT_HTTP_EXPORT_ALL: '1',
        REQUEST_METHOD: request.method ?? 'GET',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        CONTENT_TYPE: request.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
        HTTP_GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
        REMOTE_USER: username,
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    request.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const split = out.indexOf('\r\n\r\n') >= 0 ? out.indexOf('\r\n\r\n') : out.indexOf('\n\n');
      const gap = out.indexOf('\r\n\r\n') >= 0 ? 4 : 2;
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of out.subarray(0, split).toString('utf8').split(/\r?\n/)) {
        const [name = '', ...rest] = line.split(':');
        const value = rest.join(':').trim();
        if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
        else if (name) headers[name] = value;
      }
      response.writeHead(status, headers);
      response.end(out.subarray(split + gap));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  writeFileSync(path.join(home, '.gitconfig'), `[http "https://127.0.0.1:${port}/"]\n\tsslCAInfo = ${cert}\n`);
  const caSettings = { GIT_SSL_CAINFO: process.env.GIT_SSL_CAINFO, GIT_SSL_CAPATH: process.env.GIT_SSL_CAPATH };
  delete process.env.GIT_SSL_CAINFO;
  delete process.env.GIT_SSL_CAPATH;
  return {
    home,
    port,
    urlOf: (name) => `https://127.0.0.1:${port}/${name}`,
    basicCredentials,
    commandLines,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      rmSync(home, { recursive: true, force: true });
      for (const [name, value] of Object.entries(caSettings)) if (value !== undefined) process.env[name] = value;
    },
  };
}
