#!/usr/bin/env node
/**
 * Size budget of the built SPA, from Vite's manifest: the JavaScript a first visit downloads before anything
 * renders (the entry and its static imports), gzipped, must stay within WEB_BUDGET_KB (600). Also printed: what
 * the first load of each heavy page adds (the shell layout, the page and their static imports), for information.
 * Run after `pnpm build`; exits 1 over budget.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';

const BUDGET_KB = Number(process.env.WEB_BUDGET_KB ?? 600);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../apps/web/dist');
const manifest = JSON.parse(readFileSync(path.join(dist, '.vite/manifest.json'), 'utf8'));

/** Files a chunk loads before it runs: itself and, transitively, its static imports. */
function closure(key, seen = new Set()) {
  const chunk = manifest[key];
  if (!chunk || seen.has(chunk.file)) return seen;
  seen.add(chunk.file);
  for (const dep of chunk.imports ?? []) closure(dep, seen);
  return seen;
}
const gzipKb = (files) => [...files].reduce((sum, file) => sum + gzipSync(readFileSync(path.join(dist, file)), { level: 9 }).length / 1024, 0);

const entry = Object.keys(manifest).find((k) => manifest[k].isEntry);
if (!entry) throw new Error(`no entry in ${dist}/.vite/manifest.json; build the SPA first`);
const initial = closure(entry);
const initialKb = gzipKb(initial);
console.log(`web budget: initial JS ${initialKb.toFixed(1)} KB gzip in ${initial.size} file(s) (budget ${BUDGET_KB} KB)`);

const shell = closure('src/layouts/AppLayout.vue', new Set(initial));
for (const page of ['src/views/releases/detail.vue', 'src/views/releases/new.vue', 'src/views/dashboard/index.vue', 'src/views/projects/detail.vue']) {
  if (!manifest[page]) continue;
  const files = closure(page, new Set(shell));
  const added = [...files].filter((f) => !initial.has(f));
  console.log(`  first load of ${page.replace('src/views/', '')}: +${gzipKb(added).toFixed(1)} KB gzip (total ${gzipKb(files).toFixed(1)} KB)`);
}
if (initialKb > BUDGET_KB) {
  console.error(`web budget exceeded: ${initialKb.toFixed(1)} KB > ${BUDGET_KB} KB`);
  process.exit(1);
}
