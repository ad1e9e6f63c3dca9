import { fileURLToPath } from 'node:url';
import { defaultClientConditions, defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';
import AutoImport from 'unplugin-auto-import/vite';
import Components from 'unplugin-vue-components/vite';
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers';

const root = fileURLToPath(new URL('.', import.meta.url));
const apiTarget = 'http://127.0.0.1:8080';

export default defineConfig(({ mode }) => {
  const test = mode === 'test';
  // happy-dom renders no CSS; skipping Element Plus styles in tests avoids transforming hundreds of CSS files per run.
  const importStyle = test ? false : 'css';
  // A test run sees only the files its tests import and would rewrite the committed declarations with a subset.
  const dts = (file: string) => (test ? false : file);
  return {
    root,
    resolve: {
      alias: { '@': fileURLToPath(new URL('./src', import.meta.url)) },
      // Workspace packages (the contract) are bundled from their TypeScript sources: no build step before the SPA's.
      conditions: ['source', ...defaultClientConditions],
    },
    plugins: [
      vue(),
      // On-demand Element Plus: only the components (and their CSS) a view uses end up in its chunk.
      AutoImport({ resolvers: [ElementPlusResolver({ importStyle })], dts: dts('src/auto-imports.d.ts') }),
      Components({ resolvers: [ElementPlusResolver({ importStyle })], dts: dts('src/components.d.ts') }),
    ],
    define: {
      // Composition API only: dropping the legacy API and prod devtools hooks shrinks vue-i18n.
      __VUE_I18N_FULL_INSTALL__: true,
      __VUE_I18N_LEGACY_API__: false,
      __INTLIFY_PROD_DEVTOOLS__: false,
    },
    server: {
      proxy: {
        '/api': apiTarget,
        '/ws': { target: apiTarget, ws: true },
        '/docs': apiTarget,
        '/healthz': apiTarget,
      },
    },
    // The manifest maps each page to its chunks, so scripts/web-budget.mjs can weigh what a page really loads.
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      manifest: true,
      // echarts (~500 kB minified) is one lazy chunk fetched by the dashboard after it renders; the initial-load
      // budget is checked by scripts/web-budget.mjs instead.
      chunkSizeWarningLimit: 600,
    },
  };
});
