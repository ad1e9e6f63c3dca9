import { defineConfig } from 'vitest/config';

// Mirrors the root projects for this package alone, so the engine's suites run even while another workspace
// member's config is missing or broken: `pnpm vitest run -c packages/deploy-engine/vitest.config.ts --project unit`.
const conditions = ['source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      { extends: true, test: { name: 'unit', include: ['src/**/*.test.ts'], exclude: ['**/*.integration.test.ts'] } },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/**/*.integration.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
