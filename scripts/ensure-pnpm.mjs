#!/usr/bin/env node
// Prints the path of a pnpm binary matching package.json's "packageManager", installing it into .tmp/tools when the
// machine has none. A project-local copy works for root and non-root users alike and never touches global npm state.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const wanted = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).packageManager.replace(/^pnpm@/, '');
const major = wanted.split('.')[0];

const onPath = spawnSync('pnpm', ['--version'], { encoding: 'utf8' });
if (onPath.status === 0 && onPath.stdout.trim().split('.')[0] === major) {
  process.stdout.write('pnpm\n');
  process.exit(0);
}

const toolsDir = path.join(root, '.tmp/tools');
const local = path.join(toolsDir, 'node_modules/.bin/pnpm');
if (!existsSync(local)) {
  process.stderr.write(`installing pnpm@${wanted} into .tmp/tools\n`);
  execFileSync('npm', ['install', '--no-save', '--no-package-lock', '--prefix', toolsDir, `pnpm@${wanted}`], { stdio: ['ignore', 'ignore', 'inherit'] });
}
process.stdout.write(`${local}\n`);
