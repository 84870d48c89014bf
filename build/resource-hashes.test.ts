import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import { describe, expect, it } from 'vitest';
import { readShippedResource } from '../electron/core/resources';
import {
  RESOURCES_DIR,
  resourceHashes,
  resourceHashesDefine,
  shippedResourceFiles,
} from './resource-hashes.mjs';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));

describe('the resource hash manifest', () => {
  it('lists exactly what electron-builder ships beside app.asar', async () => {
    const files = shippedResourceFiles();
    const yml = await readFile(path.join(repoRoot, 'build', 'electron-builder.yml'), 'utf8');
    const shippedDirs = [...yml.matchAll(/^ {2}- from: resources\/(\w+)$/gm)].map((m) => m[1]);
    expect(shippedDirs.sort()).toEqual(['keys', 'profiles', 'scripts']);
    expect([...new Set(files.map((f) => f.split('/')[0]))].sort()).toEqual(['keys', 'profiles', 'scripts']);
    expect(files).toContain('scripts/Get-CrmSite.ps1');
    expect(files).toContain('profiles/crm.json');
    expect(files).toContain('keys/vendor/vendor-2026.pub.pem');
    // The practice private key and the README stay in the repo.
    expect(files.filter((f) => f.startsWith('keys/') && !f.endsWith('.pub.pem'))).toEqual([]);
  });

  it("is what the app's own check accepts for every shipped file", async () => {
    const hashes = resourceHashes();
    for (const rel of Object.keys(hashes)) {
      await expect(readShippedResource(RESOURCES_DIR, rel, hashes), rel).resolves.toBeInstanceOf(Buffer);
    }
  });

  it('reaches the built bundle, where builtResourceHashes returns it', async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'crmum-hashes-bundle-'));
    try {
      await build({
        configFile: false,
        root: repoRoot,
        logLevel: 'silent',
        envDir: false,
        publicDir: false,
        define: resourceHashesDefine(),
        ssr: { noExternal: true, target: 'node' },
        build: {
          ssr: true,
          outDir,
          emptyOutDir: true,
          minify: false,
          rolldownOptions: {
            input: { index: path.join(repoRoot, 'electron/shared/resource-hashes.ts') },
            output: { format: 'es', entryFileNames: '[name].js' },
          },
        },
      });
      const bundle = (await import(pathToFileURL(path.join(outDir, 'index.js')).href)) as {
        builtResourceHashes: () => unknown;
      };
      expect(bundle.builtResourceHashes()).toEqual(resourceHashes());
    } finally {
      await rm(outDir, { recursive: true, force: true });
    }
  });
});
