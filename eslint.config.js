import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import vue from 'eslint-plugin-vue';
import globals from 'globals';
import prettier from 'eslint-config-prettier';

export default tseslint.config(
  {
    ignores: ['**/dist/**', '**/node_modules/**', '**/generated/**', 'data/**', 'e2e/test-results/**', 'e2e/playwright-report/**', '.tmp/**', '**/*.d.ts'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parserOptions: { parser: tseslint.parser } },
  },
  // Single-file components are laid out by Prettier (`npm run lint` checks it), so the layout rules that would fight
  // it are off; eslint-plugin-vue's correctness rules stay.
  { files: ['**/*.vue'], ...prettier },
  {
    languageOptions: { globals: { ...globals.node }, ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-warning-comments': ['error', { terms: ['todo', 'fixme'], location: 'start' }],
      'vue/multi-word-component-names': 'off',
    },
  },
  {
    files: ['apps/web/src/**'],
    languageOptions: { globals: { ...globals.browser } },
  },
  // The arrows are web → contract ← api → engine → contract (stage names only). Each rule below forbids an arrow
  // that would point the other way or skip the contract.
  {
    files: ['apps/web/src/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'typebox', message: 'The SPA uses the contract\'s static types, not its schemas.' }],
          patterns: [
            { group: ['@rp/api', '@rp/api/*', '@rp/deploy-engine', '@rp/deploy-engine/*', '**/apps/api/**', '**/packages/*/src/**'], message: 'The SPA talks to the API over HTTP; shared shapes come from @rp/contract.' },
            {
              // Schema modules would bundle TypeBox: the SPA takes only their types. Plain-value modules are fine.
              group: ['@rp/contract/*', '!@rp/contract/feed', '!@rp/contract/stages', '!@rp/contract/release-states', '!@rp/contract/rules'],
              allowTypeImports: true,
              message: 'Import only types from the contract\'s schema modules (`import type`).',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['packages/contract/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ group: ['@rp/*', 'fastify', '@fastify/*', '@prisma/*', 'ssh2', 'vue', 'pinia', '**/apps/**', '**/deploy-engine/**'], message: 'The contract depends on nothing of ours: every other package depends on it.' }] },
      ],
    },
  },
  {
    files: ['packages/deploy-engine/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['@rp/api', '@rp/api/*', '@rp/web', '@rp/web/*', 'fastify', '@fastify/*', '@prisma/*', '**/apps/**'], message: 'The engine knows nothing of HTTP, the database or the apps.' },
            { group: ['@rp/contract/*', '!@rp/contract/stages'], message: 'The engine shares only its stage names with the contract.' },
          ],
        },
      ],
    },
  },
  {
    files: ['apps/api/**'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['@rp/web', '@rp/web/*', '**/apps/web/**'], message: 'The API never imports the SPA.' }] }],
    },
  },
);
