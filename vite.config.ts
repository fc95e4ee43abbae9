/// <reference types="vitest/config" />
import { createHash } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';
import { serviceWorkerSource } from './src/platform/browser/serviceWorker.ts';

/**
 * src/platform/browser/preboot.ts starts the database nodes booting (see there). Vite would bundle it
 * into the app's entry with index.html's other script, where it could only run once the
 * whole app has loaded and parsed; so the build makes it an entry of its own and puts its
 * script (and a preload of the chunks it imports) ahead of the app's. The dev server serves
 * index.html's tag as written.
 */
function prebootEntry(): Plugin[] {
  const tag = /[ \t]*<script type="module" src="\/src\/platform\/browser\/preboot\.ts"><\/script>\n?/;
  let base = '/';
  return [
    {
      name: 'replica-lab-preboot:entry',
      apply: 'build',
      config: () => ({
        build: { rollupOptions: { input: { index: 'index.html', preboot: 'src/platform/browser/preboot.ts' } } },
      }),
      transformIndexHtml: { order: 'pre', handler: (html) => html.replace(tag, '') },
    },
    {
      name: 'replica-lab-preboot:tag',
      apply: 'build',
      configResolved(config) {
        base = config.base;
      },
      transformIndexHtml: {
        order: 'post',
        handler(html, ctx) {
          const chunk = Object.values(ctx.bundle ?? {}).find(
            (c) => c.type === 'chunk' && c.isEntry && c.name === 'preboot',
          );
          if (chunk?.type !== 'chunk') throw new Error('preboot: the build has no preboot entry');
          const tags = [
            ...chunk.imports.map((file) => `<link rel="modulepreload" crossorigin href="${base}${file}">`),
            `<script type="module" crossorigin src="${base}${chunk.fileName}"></script>`,
          ];
          // Ahead of the first script: module scripts run in document order.
          return html.replace(
            /([ \t]*)<script/,
            (_, indent: string) => `${tags.map((t) => indent + t).join('\n')}\n${indent}<script`,
          );
        },
      },
    },
  ];
}

/**
 * The built app's Content-Security-Policy, as a meta tag (a static host may add none):
 * scripts only from the app itself, no inline script and no eval; WebAssembly may compile
 * ('wasm-unsafe-eval', for PGlite); workers from the app or blob URLs; inline styles stay
 * allowed because React sets style attributes (positions in the diagrams). The dev server
 * injects inline scripts of its own, so only the build gets it.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "worker-src 'self' blob:",
  "connect-src 'self'",
  "img-src 'self' data:",
  "style-src 'self' 'unsafe-inline'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'none'",
].join('; ');

function contentSecurityPolicy(): Plugin {
  return {
    name: 'replica-lab-csp',
    apply: 'build',
    transformIndexHtml: {
      order: 'post',
      handler: (html) =>
        html.replace(
          /<head>/,
          `<head>\n    <meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}" />`,
        ),
    },
  };
}

/** Every file under `dir`, relative to it, with '/' separators. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path).map((f) => `${name}/${f}`) : [name];
  });
}

/**
 * Offline after the first visit: writes `sw.js` (src/platform/browser/serviceWorker.ts) with
 * every file of the build and of public/ (the node snapshot, the icons), its cache named
 * after a hash of their names and the snapshot's checksum, so a new build replaces it.
 */
function serviceWorker(): Plugin {
  let base = '/';
  let publicDir = 'public';
  return {
    name: 'replica-lab-service-worker',
    apply: 'build',
    enforce: 'post',
    configResolved(config) {
      base = config.base;
      publicDir = config.publicDir;
    },
    generateBundle(_, bundle) {
      const emitted = Object.keys(bundle).filter((f) => !f.endsWith('.map'));
      const copied = filesUnder(publicDir).filter((f) => !f.endsWith('.sha256') && f !== 'sw.js');
      const files = [...new Set([...emitted, ...copied, 'index.html'])].sort();
      const hash = createHash('sha256').update(files.join('\n'));
      try {
        hash.update(filesUnder(join(publicDir, 'snapshot')).join());
        hash.update(String(statSync(join(publicDir, 'snapshot', 'cluster.tar')).mtimeMs));
      } catch {
        // No snapshot: the file list alone names the build.
      }
      const version = hash.digest('hex').slice(0, 12);
      this.emitFile({ type: 'asset', fileName: 'sw.js', source: serviceWorkerSource(version, base, files) });
    },
  };
}

export default defineConfig({
  plugins: [react(), prebootEntry(), contentSecurityPolicy(), serviceWorker()],
  // PGlite ships its own .wasm/.data files; pre-bundling breaks their loading.
  optimizeDeps: { exclude: ['@electric-sql/pglite'] },
  worker: { format: 'es' },
  build: { target: 'es2022' },
  server: { port: 5173, strictPort: false },
  preview: { port: 4173, strictPort: true },
  test: {
    include: ['src/**/*.test.ts', 'tests/**/*.test.ts'],
    environment: 'node',
    testTimeout: 120_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
