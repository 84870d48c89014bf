import { builtinModules } from 'node:module';
import js from '@eslint/js';
import { defineConfig, globalIgnores } from 'eslint/config';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/**
 * Lint rules, and the architecture's layer rules (docs/architecture.md): arrows point one way,
 * renderer -> shared; preload -> shared; main, cli -> core, host, shared; core -> shared and the
 * host ports; host -> shared and core/ports. no-restricted-imports matches the import *string*,
 * so "outside this folder" is spelled per directory depth (each extra level needs one more ../).
 * Test files are exempt: a test may compose layers (the engine over the practice host) and
 * import its runner.
 */

const TESTS = ['**/*.test.ts', '**/*.test.tsx'];
const MAX_DEPTH = 6;

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const builtinNames = builtinModules.filter((name) => !name.startsWith('_')).map(escape);

const ELECTRON = {
  regex: '^electron(/.*)?$',
  message: 'Only electron/main and electron/preload may import Electron.',
};
const NODE_BUILTINS = {
  regex: `^(node:.*|(${builtinNames.join('|')})(/.*)?)$`,
  message: 'This layer does not run in Node: no Node built-in modules.',
};
/** A relative import that goes through a folder with one of these names. */
const throughFolder = (names, message) => ({
  regex: `^\\.\\.?/(.*/)?(${names.join('|')})(/.*)?$`,
  message,
});

/** The layer rule blocks for files at each depth below `dir`, which may only reach `allowed` under electron/. */
function confinedTo(dir, allowed, patterns, message) {
  const blocks = [];
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    const up = '\\.\\./'.repeat(depth + 1);
    blocks.push({
      name: `layers/${dir}/depth-${depth}`,
      files: [`${dir}/${'*/'.repeat(depth)}*`],
      ignores: TESTS,
      rules: {
        'no-restricted-imports': [
          'error',
          { patterns: [...patterns, { regex: `^${up}(?!(${allowed.join('|')})(/|$))`, message }] },
        ],
      },
    });
  }
  return blocks;
}

const layerRules = [
  {
    name: 'layers/core',
    files: ['electron/core/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { ...ELECTRON, message: 'core is plain Node: the CLI and the tests run it without Electron.' },
            throughFolder(
              ['host'],
              'core reaches the machine only through core/ports; main or cli choose the host.',
            ),
            throughFolder(['main', 'preload', 'cli', 'renderer'], 'core never depends on a shell or the UI.'),
          ],
        },
      ],
    },
  },
  {
    name: 'layers/host',
    files: ['electron/host/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ELECTRON,
            {
              regex: '^\\.\\.?/(.*/)?core(/(?!ports(\\.[cm]?[jt]s)?$).*)?$',
              message: 'host implements core/ports; it imports nothing else from core.',
            },
            throughFolder(['main', 'preload', 'cli', 'renderer'], 'host never depends on a shell or the UI.'),
          ],
        },
      ],
    },
  },
  {
    name: 'layers/cli',
    files: ['electron/cli/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { ...ELECTRON, message: 'The CLI runs in plain Node, without Electron.' },
            throughFolder(['main', 'preload', 'renderer'], 'The CLI uses core, host and shared only.'),
          ],
        },
      ],
    },
  },
  ...confinedTo(
    'electron/shared',
    ['shared'],
    [ELECTRON, NODE_BUILTINS],
    'shared is imported by every layer, so it imports nothing outside shared.',
  ),
  ...confinedTo(
    'electron/preload',
    ['preload', 'shared'],
    [
      {
        // Every bare specifier but electron: npm packages and Node built-ins alike.
        regex: '^(?!electron(/|$)|\\.|/)',
        message:
          'The sandboxed preload has no Node and bundles only what shared brings: import electron or shared.',
      },
    ],
    'The preload imports only electron and electron/shared.',
  ),
  {
    name: 'layers/renderer',
    files: ['renderer/**'],
    ignores: TESTS,
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              ...ELECTRON,
              message: 'The renderer is untrusted web content: it reaches main only through window.upgrader.',
            },
            NODE_BUILTINS,
            {
              regex: '/electron(/(?!shared(/|$)).*)?/?$',
              message: 'The renderer imports only electron/shared.',
            },
          ],
        },
      ],
    },
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
  ...layerRules,
]);
