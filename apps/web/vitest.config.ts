import { defineProject, mergeConfig } from 'vitest/config';
import viteConfig from './vite.config.ts';

export default defineProject((env) =>
  mergeConfig(viteConfig(env), {
    test: {
      name: 'web',
      environment: 'happy-dom',
      include: ['src/**/*.test.ts'],
      // Element Plus imports the CommonJS async-validator as a default export, which only Vite's interop gets right.
      server: { deps: { inline: ['element-plus'] } },
      // The first test to reach a lazy route transforms its Element Plus components; on two busy cores that can take seconds.
      testTimeout: 30_000,
    },
  }),
);
