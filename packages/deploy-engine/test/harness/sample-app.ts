import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A tiny Node HTTP service: `/` and `/health` answer with the release id (the name of the directory it runs from).
 * A release containing a file named UNHEALTHY answers /health with 500. It exits by itself when its pid file no
 * longer names it (the next restart, or the harness deleting the deploy root), so tests leave no servers behind.
 */
const SERVER_JS = `'use strict';
const http = require('node:http');
const fs = require('node:fs');
const path = require('node:path');
const release = path.basename(__dirname);
const unhealthy = fs.existsSync(path.join(__dirname, 'UNHEALTHY'));
const pidFile = process.env.PID_FILE;
const server = http.createServer((req, res) => {
  if (req.url === '/health' && unhealthy) { res.writeHead(500); res.end('unhealthy ' + release); return; }
  res.end(release);
});
let tries = 0;
server.on('error', (err) => {
  if (err.code === 'EADDRINUSE' && tries++ < 100) setTimeout(() => server.listen(Number(process.env.PORT), '127.0.0.1'), 50);
  else process.exit(1);
});
server.listen(Number(process.env.PORT), '127.0.0.1');
setInterval(() => {
  let owner = '';
  try { owner = fs.readFileSync(pidFile, 'utf8').trim(); } catch { process.exit(0); }
  if (owner !== String(process.pid)) process.exit(0);
}, 300);
setTimeout(() => process.exit(0), 15 * 60 * 1000);
`;

/** Started by the engine's restart step in the release dir; DEPLOY_PATH and PORT come from the engine/target env. */
const RESTART_SH = `#!/bin/sh
set -e
pid_file="$DEPLOY_PATH/shared/app.pid"
if [ -f "$pid_file" ]; then
  old=$(cat "$pid_file")
  kill "$old" 2>/dev/null || true
  i=0
  while kill -0 "$old" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.05; i=$((i+1)); done
fi
PID_FILE="$pid_file" nohup node server.js >"$DEPLOY_PATH/shared/app.log" 2>&1 </dev/null &
echo $! >"$pid_file"
echo "started $(basename "$PWD") on port $PORT"
`;

export interface SampleAppRepo {
  /** Working tree of the repository (commits are made here). */
  dir: string;
  /** `file://` URL the engine fetches from. */
  url: string;
  /** Commit shas in creation order; the first one is healthy. */
  commits: string[];
  /** Adds a commit; `unhealthy: true` makes that version fail its /health check. Returns the sha. */
  addCommit(options?: { unhealthy?: boolean; message?: string; files?: Record<string, string> }): string;
  remove(): void;
}

function git(dir: string, args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, GIT_AUTHOR_NAME: 'Test', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'Test', GIT_COMMITTER_EMAIL: 't@example.com' },
  }).trim();
}

/** Creates a local Git repository holding the sample service with one healthy commit on branch `main`. */
export function createSampleAppRepo(baseDir: string = tmpdir()): SampleAppRepo {
  const dir = mkdtempSync(join(baseDir, 'rp-sample-app-'));
  git(dir, ['init', '-q', '-b', 'main']);
  mkdirSync(join(dir, 'bin'));
  writeFileSync(join(dir, 'server.js'), SERVER_JS);
  writeFileSync(join(dir, 'bin', 'restart.sh'), RESTART_SH, { mode: 0o755 });
  const commits: string[] = [];
  const repo: SampleAppRepo = {
    dir,
    url: `file://${dir}`,
    commits,
    addCommit(options = {}) {
      const marker = join(dir, 'UNHEALTHY');
      if (options.unhealthy) writeFileSync(marker, 'this version fails its health check\n');
      else rmSync(marker, { force: true });
      for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(dir, name), content);
      writeFileSync(join(dir, 'VERSION'), `${commits.length + 1}\n`);
      git(dir, ['add', '-A']);
      git(dir, ['commit', '-q', '-m', options.message ?? `version ${commits.length + 1}`]);
      const sha = git(dir, ['rev-parse', 'HEAD']);
      commits.push(sha);
      return sha;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
  repo.addCommit({ message: 'sample app' });
  return repo;
}
