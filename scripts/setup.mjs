#!/usr/bin/env node
// `npm run setup`: installs dependencies and builds the engine, the API and the web UI, so `npm start` can run the
// product. Nothing is downloaded at run time: Prisma's engines and browsers are never fetched.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const pnpm = execFileSync(process.execPath, [path.join(root, 'scripts/ensure-pnpm.mjs')], { encoding: 'utf8' }).trim();
// Scripts run by pnpm call `pnpm` again, so a project-local copy must be on PATH too.
const env = { ...process.env, PATH: `${path.dirname(path.resolve(root, pnpm))}${path.delimiter}${process.env.PATH}`, PRISMA_SKIP_POSTINSTALL_GENERATE: '1', PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1', CHECKPOINT_DISABLE: '1' };
/** Builds run in a bubblewrap sandbox; the worker refuses to start without it (unless BUILD_SANDBOX=off). */
function ensureBubblewrap() {
  const has = (cmd) => {
    try {
      execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' });
      return true;
    } catch {
      return false;
    }
  };
  if (has('bwrap')) return;
  if (process.getuid?.() === 0 && has('apt-get')) {
    process.stdout.write('Installing bubblewrap (the build sandbox)\n');
    const apt = { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } };
    execFileSync('apt-get', ['update', '-qq'], apt);
    execFileSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'bubblewrap'], apt);
    return;
  }
  process.stdout.write(
    '\nWARNING: bubblewrap is not installed. Builds run in its sandbox and the worker will not start without it.\n' +
      'Install it as root (Debian/Ubuntu: sudo apt-get install bubblewrap; Fedora: sudo dnf install bubblewrap) and rerun,\n' +
      'or start the platform with BUILD_SANDBOX=off to run builds unsandboxed (not recommended).\n\n',
  );
}

const run = (...args) => execFileSync(pnpm, args, { cwd: root, env, stdio: 'inherit' });

ensureBubblewrap();
run('install', '--frozen-lockfile');
run('db:generate');
run('build');
process.stdout.write('\nSetup complete. Start the platform with: npm start\n');
