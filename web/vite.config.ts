// Vite configuration of the demo: `npm run demo` serves it, `npm run build:web` writes a static
// site to web/dist (no server logic: any static file server works, from any sub-path).
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const webRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: webRoot,
  // Relative asset URLs, so the built site works from a sub-path (GitHub Pages, a docs folder).
  base: './',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The .wasm is ~16 kB; keep it a separate file so it is compiled by streaming, not inlined as base64.
    assetsInlineLimit: 0,
  },
  worker: { format: 'es' },
  server: {
    // The worker imports the library from ../src and the core from ../build.
    fs: { allow: [repoRoot] },
  },
  preview: { host: '127.0.0.1' },
});
