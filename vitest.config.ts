import { defineConfig } from 'vitest/config';

// Workspace packages export TypeScript sources under the "source" condition, so tests never need a build first.
const conditions = ['source'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'apps/api/src/**/*.test.ts', 'apps/api/test/**/*.test.ts'],
          exclude: ['**/*.integration.test.ts', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['packages/*/test/**/*.integration.test.ts', 'apps/api/test/**/*.integration.test.ts', 'apps/api/src/**/*.integration.test.ts'],
          exclude: ['**/node_modules/**'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          // Two cores: integration files share sshd hosts and PostgreSQL; one file at a time keeps timings honest.
          fileParallelism: false,
        },
      },
      'apps/*/vitest.config.ts',
    ],
  },
});
