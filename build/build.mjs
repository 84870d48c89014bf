// Builds the desktop app into out/ with Vite's JS API.
//   node build/build.mjs                 all targets: main, preload, renderer
//   node build/build.mjs renderer        only the named target(s)
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { resourceHashesDefine } from './resource-hashes.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const fromRoot = (...parts) => path.join(repoRoot, ...parts);

const packageJson = JSON.parse(readFileSync(fromRoot('package.json'), 'utf8'));
const dependencies = Object.keys(packageJson.dependencies ?? {});
const builtins = new Set(builtinModules);

/** main runs in Electron's Node: builtins and electron are there, and electron-builder ships the dependencies. */
function isMainExternal(id) {
  if (id === 'electron' || id.startsWith('electron/')) return true;
  if (id.startsWith('node:') || builtins.has(id) || builtins.has(id.split('/')[0])) return true;
  return dependencies.some((dep) => id === dep || id.startsWith(`${dep}/`));
}

const common = {
  configFile: false,
  root: repoRoot,
  publicDir: false,
  logLevel: 'warn',
  envDir: false,
};

/**
 * main's entries: the app, and each worker thread's entry file. A worker starts on a file, so each
 * thread is an entry of its own, built beside index.js (electron/core/files/threads.ts looks for it
 * next to the chunk that holds it: every file of out/main sits in that one folder).
 */
const MAIN_ENTRIES = {
  index: 'electron/main/index.ts',
  'zip-thread': 'electron/core/files/zip-thread.ts',
  'hash-thread': 'electron/core/files/hash-thread.ts',
};

export const TARGETS = {
  // Node platform (an SSR build), ESM like the repository; dependencies stay in node_modules.
  main: {
    output: 'out/main/index.js',
    outputs: Object.keys(MAIN_ENTRIES).map((name) => `out/main/${name}.js`),
    run: () =>
      build({
        ...common,
        // The hashes of the scripts, profiles and keys shipped beside app.asar, fixed now and
        // carried inside the asar: the app checks each file against them before using it.
        define: resourceHashesDefine(),
        ssr: { noExternal: true, target: 'node' },
        build: {
          ssr: true,
          outDir: fromRoot('out/main'),
          emptyOutDir: true,
          target: 'node22',
          minify: false,
          sourcemap: true,
          copyPublicDir: false,
          reportCompressedSize: false,
          rolldownOptions: {
            input: Object.fromEntries(
              Object.entries(MAIN_ENTRIES).map(([name, file]) => [name, fromRoot(file)]),
            ),
            external: isMainExternal,
            output: { format: 'es', entryFileNames: '[name].js', chunkFileNames: '[name]-[hash].js' },
          },
        },
      }),
  },
  // A sandboxed preload runs as plain CommonJS without Node: one file, everything bundled but
  // electron itself (security checklist #4).
  preload: {
    output: 'out/preload/index.cjs',
    run: () =>
      build({
        ...common,
        define: { 'process.env.NODE_ENV': JSON.stringify('production') },
        build: {
          lib: {
            entry: fromRoot('electron/preload/index.ts'),
            formats: ['cjs'],
            fileName: () => 'index.cjs',
          },
          outDir: fromRoot('out/preload'),
          emptyOutDir: true,
          target: 'chrome130',
          minify: false,
          sourcemap: false,
          copyPublicDir: false,
          reportCompressedSize: false,
          rolldownOptions: {
            external: ['electron'],
            output: { codeSplitting: false },
          },
        },
      }),
  },
  // The renderer's config belongs to the renderer; this script only runs it.
  renderer: {
    output: 'out/renderer/index.html',
    run: () => {
      const configFile = fromRoot('build', 'vite.renderer.config.ts');
      if (!existsSync(configFile)) throw new Error(`renderer: ${configFile} does not exist yet`);
      return build({ configFile, logLevel: 'warn' });
    },
  },
};

/** Builds the named targets in order, one line each. */
export async function buildTargets(names = Object.keys(TARGETS)) {
  for (const name of names) {
    const target = TARGETS[name];
    const started = performance.now();
    await target.run();
    const missing = (target.outputs ?? [target.output]).filter((file) => !existsSync(fromRoot(file)));
    if (missing.length > 0) {
      throw new Error(`${name}: the build finished but ${missing.join(', ')} is missing`);
    }
    console.log(
      `built ${name.padEnd(8)} -> ${target.output} (${Math.round(performance.now() - started)} ms)`,
    );
  }
}

const invokedDirectly =
  process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href;
if (invokedDirectly) {
  const requested = process.argv.slice(2);
  const unknown = requested.filter((name) => !Object.hasOwn(TARGETS, name));
  if (unknown.length > 0) {
    console.error(`Unknown target(s): ${unknown.join(', ')}. Targets: ${Object.keys(TARGETS).join(', ')}.`);
    process.exit(2);
  }
  try {
    await buildTargets(requested.length > 0 ? requested : undefined);
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
}
