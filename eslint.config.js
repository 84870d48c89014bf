import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';
import layers from './build/eslint-layers.mjs';

/**
 * Lint rules, and the architecture's layer rules (docs/architecture.md). `layers/arrows`
 * (build/eslint-layers.mjs) resolves every import (static, `import type`, `export … from`,
 * `import()`, `require()`, `import x = require()`) to a repo path, a Node built-in or a package,
 * and allows it only if (importing layer, imported layer) is an arrow of the table below.
 * A local rule rather than eslint-plugin-boundaries: no dependency, and resolution needs no file
 * system, so a path is checked before the file exists (and the tests can lint virtual paths).
 * Test files are exempt: a test may compose layers (the engine over the practice host) and
 * import its runner; so are e2e/ and build/, which are not shipped layers.
 */

const TESTS = ['**/*.test.ts', '**/*.test.tsx'];

/**
 * What a bare specifier is: Node built-ins are the layer `node`; Electron is its own layer; the
 * packages that drive the real machine belong to the hosts alone; every other package is `npm`.
 */
const PACKAGES = {
  electron: 'electron',
  mssql: 'host-packages',
  'node-powershell': 'host-packages',
  '*': 'npm',
};

const HOST_IMPLEMENTATION =
  'core reaches the machine only through core/ports; main or the CLI choose the host and pass it in.';
const HOST_SIBLING =
  'the two hosts are siblings: what they share goes into electron/host/*.ts or core/ports.';
const TESTING = 'electron/testing is test support and is never shipped: only tests import it.';
const HOST_PACKAGES = 'mssql and node-powershell drive the real machine: only a host imports them.';

/**
 * The layers, first match wins (a file's .ts/.js extension is ignored, so `core/ports` and
 * `core/ports.ts` are one module), and the arrows out of each. A path in no layer is refused.
 */
const LAYERS = [
  {
    name: 'shared',
    files: ['electron/shared/**'],
    allow: ['shared', 'npm'],
    why: 'shared is imported by every layer, the renderer and the preload included, so it needs nothing outside shared: no Node, no Electron.',
  },
  {
    name: 'renderer',
    files: ['renderer/**'],
    allow: ['renderer', 'shared', 'npm'],
    why: 'the renderer is untrusted web content without Node: it reaches main only through window.upgrader.',
  },
  {
    name: 'preload',
    files: ['electron/preload/**'],
    allow: ['preload', 'shared', 'electron'],
    why: 'the sandboxed preload has no Node and bundles only what shared brings.',
  },
  {
    // The interfaces a host implements: a host that imports them must not get the engine with them.
    name: 'core/ports',
    files: ['electron/core/ports/**'],
    allow: ['core/ports', 'shared', 'node', 'npm'],
    why: 'core/ports are the interfaces the hosts implement; they import nothing else from core.',
  },
  {
    name: 'core',
    files: ['electron/core/**'],
    allow: ['core', 'core/ports', 'shared', 'node', 'npm'],
    why: 'core is the engine in plain Node and never depends on a shell or the UI.',
    because: {
      electron: 'core is plain Node: the CLI and the tests run it without Electron.',
      host: HOST_IMPLEMENTATION,
      'host/practice': HOST_IMPLEMENTATION,
      'host/windows': HOST_IMPLEMENTATION,
      'host-packages': `${HOST_PACKAGES} core reaches them through core/ports.`,
      testing: TESTING,
    },
  },
  {
    name: 'host/practice',
    files: ['electron/host/practice/**'],
    allow: ['host/practice', 'host', 'core/ports', 'shared', 'node', 'npm', 'host-packages'],
    why: 'a host implements core/ports and never depends on the engine, a shell or the UI.',
    because: { 'host/windows': HOST_SIBLING, testing: TESTING },
  },
  {
    name: 'host/windows',
    files: ['electron/host/windows/**'],
    allow: ['host/windows', 'host', 'core/ports', 'shared', 'node', 'npm', 'host-packages'],
    why: 'a host implements core/ports and never depends on the engine, a shell or the UI.',
    because: { 'host/practice': HOST_SIBLING, testing: TESTING },
  },
  {
    // Files directly in electron/host/ (none today) are shared by both hosts, so they pick neither.
    name: 'host',
    files: ['electron/host', 'electron/host/*'],
    allow: ['host', 'core/ports', 'shared', 'node', 'npm', 'host-packages'],
    why: 'what the hosts share implements core/ports and picks no host: main or the CLI choose one.',
    because: { testing: TESTING },
  },
  {
    name: 'cli',
    files: ['electron/cli/**'],
    allow: ['cli', 'core', 'core/ports', 'host', 'host/practice', 'host/windows', 'shared', 'node', 'npm'],
    why: 'the CLI runs the engine in plain Node, without Electron: it uses core, host and shared only.',
    because: { testing: TESTING, 'host-packages': HOST_PACKAGES },
  },
  {
    name: 'main',
    files: ['electron/main/**'],
    allow: [
      'main',
      'core',
      'core/ports',
      'host',
      'host/practice',
      'host/windows',
      'shared',
      'electron',
      'node',
      'npm',
    ],
    why: 'main is the Electron shell: it composes core, a host and shared.',
    because: {
      renderer: 'the renderer is untrusted web content: main talks to it only over validated IPC.',
      preload: 'the preload is a separate sandboxed bundle: main names its built file, never imports it.',
      cli: 'main and the CLI are two shells over one engine: what both need belongs in core.',
      testing: TESTING,
      'host-packages': HOST_PACKAGES,
    },
  },
  {
    name: 'testing',
    files: ['electron/testing/**'],
    allow: ['*'],
    why: 'test support composes every layer.',
  },
];

export default defineConfig([
  globalIgnores(['out/', 'dist/', 'node_modules/', 'e2e/artifacts/', 'coverage/']),
  js.configs.recommended,
  tseslint.configs.recommended,
  {
    name: 'globals/node',
    files: ['electron/**', 'build/**', 'e2e/**', 'resources/**', '*.js', '*.mjs', '*.ts'],
    languageOptions: { globals: globals.node },
  },
  {
    name: 'globals/browser',
    files: ['renderer/**'],
    languageOptions: { globals: globals.browser },
  },
  {
    name: 'project',
    rules: {
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrorsIgnorePattern: '^_' },
      ],
    },
  },
  {
    name: 'layers',
    files: ['electron/**', 'renderer/**'],
    ignores: TESTS,
    plugins: { layers },
    rules: {
      'layers/arrows': ['error', { root: import.meta.dirname, packages: PACKAGES, layers: LAYERS }],
    },
  },
]);
