import { spawn } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basicPassword } from './auth.js';

/** Smart-HTTP paths git asks for under a repository URL ending in `.git`. */
export function isGitRequest(pathname: string): boolean {
  return /\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/.test(pathname);
}

/**
 * Serves clone, fetch and push through `git http-backend`, with repositories at `<root>/<full path>.git`. As on
 * GitLab, a private project's repository needs the token as the Basic password (any user name; GitLab documents
 * `oauth2`), a public one can be read anonymously, and push always needs the token. Git sends credentials only
 * after a 401 challenge, so refusing is what makes it present them.
 */
export function serveGit(
  request: IncomingMessage,
  response: ServerResponse,
  o: { root: string; basePath: string; token: string; username: string; isPublic: (fullPath: string) => boolean },
): void {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const authenticated = basicPassword(request.headers.authorization) === o.token;
  const pathInfo = decodeURIComponent(url.pathname.slice(o.basePath.length));
  const pushing = pathInfo.endsWith('/git-receive-pack') || url.searchParams.get('service') === 'git-receive-pack';
  const fullPath = pathInfo.slice(1).replace(/\.git\/.*$/, '');
  if (!authenticated && (pushing || !o.isPublic(fullPath))) {
    response.writeHead(401, { 'WWW-Authenticate': 'Basic realm="GitLab"' });
    response.end('HTTP Basic: Access denied\n');
    return;
  }
  const cgi = spawn('git', ['http-backend'], {
    env: {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      GIT_PROJECT_ROOT: o.root,
      GIT_HTTP_EXPORT_ALL: '1',
      REQUEST_METHOD: request.method ?? 'GET',
      PATH_INFO: pathInfo,
      QUERY_STRING: url.search.slice(1),
      CONTENT_TYPE: request.headers['content-type'] ?? '',
      HTTP_CONTENT_ENCODING: request.headers['content-encoding'] ?? '',
      HTTP_GIT_PROTOCOL: String(request.headers['git-protocol'] ?? ''),
      REMOTE_ADDR: '127.0.0.1',
      ...(authenticated ? { REMOTE_USER: o.username } : {}),
    },
  });
  request.pipe(cgi.stdin);
  const chunks: Buffer[] = [];
  cgi.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
  cgi.on('close', () => {
    const out = Buffer.concat(chunks);
    const crlf = out.indexOf('\r\n\r\n');
    const split = crlf >= 0 ? crlf : out.indexOf('\n\n');
    const headers: Record<string, string> = {};
    let status = 200;
    for (const line of out.subarray(0, split).toString('utf8').split(/\r?\n/)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon).trim();
      const value = line.slice(colon + 1).trim();
      if (name.toLowerCase() === 'status') status = Number.parseInt(value, 10);
      else if (name) headers[name] = value;
    }
    response.writeHead(status, headers);
    response.end(out.subarray(split + (crlf >= 0 ? 4 : 2)));
  });
}
