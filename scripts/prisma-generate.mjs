#!/usr/bin/env node
// Generates the Prisma 7 client (prisma/schema.prisma → apps/api/src/generated/prisma) without touching the network.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outputDir = path.join(root, 'apps/api/src/generated/prisma');

// The runtime CLI is the api's own dependency, so generate with exactly the version the client is built for.
const requireFromApi = createRequire(path.join(root, 'apps/api/package.json'));
const prismaCli = path.join(path.dirname(requireFromApi.resolve('prisma/package.json')), 'build/index.js');

const env = {
  ...process.env,
  // `prisma generate` first tries to download the native schema engine, which our machines (and air-gapped installs)
  // cannot reach. Generation never runs that engine, so pointing Prisma at any existing executable skips the download.
  PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? process.execPath,
  // No engine checksums to fetch, no update check, no telemetry: every one of them is a network call.
  PRISMA_ENGINES_CHECKSUM_IGNORE_MISSING: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
  PRISMA_TELEMETRY_INFORMATION: '',
};

const result = spawnSync(process.execPath, [prismaCli, 'generate', '--config', path.join(root, 'prisma.config.ts')], {
  cwd: root,
  env,
  stdio: 'inherit',
});
if (result.status !== 0) {
  process.exit(result.status ?? 1);
}
if (!existsSync(path.join(outputDir, 'client.ts'))) {
  console.error(
    `prisma-generate: no client in ${path.relative(root, outputDir)}; the generator block in prisma/schema.prisma must be ` +
      'provider = "prisma-client", output = "../apps/api/src/generated/prisma"',
  );
  process.exit(1);
}
