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
const run = (...args) => execFileSync(pnpm, args, { cwd: root, env, stdio: 'inherit' });

run('install', '--frozen-lockfile');
run('db:generate');
run('build');
process.stdout.write('\nSetup complete. Start the platform with: npm start\n');
