import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The repository's root, whatever the working directory vite is started from. */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fromRoot = (path: string): string => fileURLToPath(new URL(path, new URL('..', import.meta.url)));

/**
 * The renderer: a static bundle loaded by the Electron shell (and by the e2e harness in
 * Chromium). Relative asset URLs (base './') so it works from any origin or folder; no inline
 * scripts, so the strict CSP in index.html holds.
 */
export default defineConfig({
  root: fromRoot('renderer/'),
  base: './',
  plugins: [react()],
  // Nothing from the repository's public/ folder: the renderer ships only what it imports.
  publicDir: false,
  server: { fs: { allow: [repoRoot] } },
  build: {
    outDir: fromRoot('out/renderer'),
    emptyOutDir: true,
    sourcemap: false,
    target: 'chrome130',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
});
