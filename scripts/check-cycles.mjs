// Fails when any package's sources import themselves in a circle (type-only imports included: a cycle of types is
// still two modules that cannot be read, moved or tested apart). Part of `npm run lint`.
import madge from 'madge';

const roots = [
  { dir: 'packages/contract/src', extensions: ['ts'] },
  { dir: 'packages/deploy-engine/src', extensions: ['ts'] },
  { dir: 'apps/api/src', extensions: ['ts'], excludeRegExp: [/generated\//] },
  // The SPA's `@/` alias resolves through its tsconfig's baseUrl/paths.
  { dir: 'apps/web/src', extensions: ['ts', 'vue'], tsConfig: 'apps/web/tsconfig.json' },
];

let failed = false;
for (const { dir, ...options } of roots) {
  const graph = await madge(dir, { fileExtensions: options.extensions, excludeRegExp: options.excludeRegExp, tsConfig: options.tsConfig });
  const cycles = graph.circular();
  const files = Object.keys(graph.obj()).length;
  if (cycles.length === 0) {
    console.log(`no import cycle in ${dir} (${files} files)`);
    continue;
  }
  failed = true;
  console.error(`${cycles.length} import cycle(s) in ${dir}:`);
  for (const cycle of cycles) console.error(`  ${cycle.join(' → ')} → ${cycle[0]}`);
}
process.exit(failed ? 1 : 0);
