import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's arrows (docs/architecture.md) are enforced by eslint.config.js with the
 * path-resolving rule of build/eslint-layers.mjs; these tests lint snippets at virtual paths to
 * prove each arrow is refused where it must be and only there. One ESLint instance for all.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/arrows').map((m) => m.message);
}

describe('layer rules', () => {
  it.each([
    ['electron/core/x.ts', "import { app } from 'electron';"],
    ['electron/core/x.ts', "import { openPracticeHost } from '../host/practice/index';"],
    ['electron/core/steps/x.ts', "import type { WindowsHost } from '../../host/windows/index';"],
    ['electron/core/x.ts', "import { registerHandlers } from '../main/ipc/register';"],
    ['electron/core/x.ts', "import { run } from '../cli/run';"],
    ['electron/shared/x.ts', "import { openSession } from '../core/session';"],
    ['electron/shared/i18n/x.ts', "import { openSession } from '../../core/session';"],
    ['electron/shared/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['electron/shared/x.ts', "import path from 'path';"],
    ['electron/shared/x.ts', "import { ipcRenderer } from 'electron';"],
    ['electron/host/practice/x.ts', "import { openSession } from '../../core/session';"],
    ['electron/host/practice/x.ts', "import { app } from 'electron';"],
    ['electron/preload/x.ts', "import { openSession } from '../core/session';"],
    ['electron/preload/x.ts', "import { readFileSync } from 'node:fs';"],
    ['electron/preload/x.ts', "import { z } from 'zod';"],
    ['electron/cli/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { openSession } from '../../electron/core/session';"],
    ['renderer/src/x.ts', "import { openPracticeHost } from '../../electron/host/practice/index';"],
    ['renderer/src/x.ts', "import { registerHandlers } from '../../electron/main/ipc/register';"],
    ['renderer/src/x.ts', "import { buildUpgraderApi } from '../../electron/preload/api';"],
    ['renderer/src/x.ts', "import { readFileSync } from 'node:fs';"],
    ['renderer/src/x.ts', "import { spawn } from 'child_process';"],
    ['renderer/src/components/x.tsx', "import { ipcRenderer } from 'electron';"],
    // The holes the import-string rules left open.
    ['electron/core/x.ts', "import { startTdsServer } from '../testing/tds/index';"],
    ['electron/core/x.ts', "import sql from 'mssql';"],
    ['electron/core/x.ts', "import { PowerShell } from 'node-powershell';"],
    ['electron/core/x.ts', "const host = await import('../host/practice/index');"],
    ['electron/core/x.ts', "const iis = require('../host/windows/iis');"],
    ['electron/main/x.ts', "import { App } from '../../renderer/src/App';"],
    ['electron/main/x.ts', "import { main } from '../cli/main';"],
    ['electron/main/x.ts', "import { practiceFixture } from '../testing/practice-fixture';"],
    ['electron/cli/x.ts', "import { practiceFixture } from '../testing/practice-fixture';"],
    ['electron/host/windows/x.ts', "import { openPracticeHost } from '../practice/index';"],
    ['electron/host/practice/x.ts', "import { readServer } from '../windows/server';"],
    // Every import form goes through the same check.
    ['electron/core/x.ts', "export { openPracticeHost } from '../host/practice/index';"],
    ['electron/core/x.ts', "export * from '../host/windows/server';"],
    ['electron/core/x.ts', "import iis = require('../host/windows/iis');"],
    ['electron/core/x.ts', "type Host = typeof import('../host/practice/index');"],
    ['electron/core/x.ts', 'const host = await import(`../host/practice/index`);'],
    // Paths, not strings: a detour through an allowed folder still lands in the host.
    ['electron/core/x.ts', "import { openPracticeHost } from '../shared/../host/practice';"],
    ['electron/core/x.ts', "import { openPracticeHost } from './../host/practice';"],
    // More arrows the table refuses.
    ['electron/core/x.ts', "import { buildUpgraderApi } from '../preload/api';"],
    ['electron/core/ports.ts', "import { openSession } from './session';"],
    ['electron/host/windows/sql/x.ts', "import { openSession } from '../../../core/session';"],
    ['electron/host/practice/x.ts', "import { practiceFixture } from '../../testing/practice-fixture';"],
    ['electron/host/x.ts', "import { openPracticeHost } from './practice/index';"],
    ['electron/cli/x.ts', "import sql from 'mssql';"],
    ['electron/main/x.ts', "import { buildUpgraderApi } from '../preload/api';"],
    ['electron/preload/x.ts', "import { sourceResourcesDir } from '../core/resources';"],
    ['electron/shared/x.ts', "import { PowerShell } from 'node-powershell';"],
    // A path in no layer, or a specifier computed at run time, cannot be checked: refused.
    ['electron/core/x.ts', "import profile from '../../resources/profiles/default.json';"],
    ['electron/core/x.ts', "import { build } from '../../build/build.mjs';"],
    ['electron/core/x.ts', 'const host = await import(hostModule);'],
    ['electron/core/x.ts', 'const host = require(`../host/${name}`);'],
    ['electron/linux/x.ts', "import { stepSchema } from '../shared/plan';"],
  ])('%s may not: %s', async (filePath, code) => {
    expect(await layerErrors(filePath, code)).toHaveLength(1);
  });

  it.each([
    ['electron/core/x.ts', "import { stepSchema } from '../shared/plan';"],
    ['electron/core/x.ts', "import type { Host } from './ports';"],
    ['electron/core/x.ts', "import { readFile } from 'node:fs/promises';"],
    ['electron/shared/x.ts', "import { z } from 'zod';"],
    ['electron/shared/x.ts', "import { msg } from './message';"],
    ['electron/shared/i18n/x.ts', "import { en } from './en';"],
    ['electron/shared/i18n/x.ts', "import { msg } from '../message';"],
    ['electron/host/practice/x.ts', "import type { Host } from '../../core/ports';"],
    ['electron/host/practice/x.ts', "import { stepSchema } from '../../shared/plan';"],
    ['electron/host/practice/x.ts', "import { mkdir } from 'node:fs/promises';"],
    ['electron/preload/x.ts', "import { contextBridge } from 'electron';"],
    ['electron/preload/x.ts', "import { CALL_NAMES } from '../shared/contract';"],
    ['electron/preload/x.ts', "import { buildUpgraderApi } from './api';"],
    ['electron/main/x.ts', "import { openSession } from '../core/session';"],
    ['electron/main/x.ts', "import { app } from 'electron';"],
    ['renderer/src/x.ts', "import { contract } from '../../electron/shared/contract';"],
    ['renderer/src/x.tsx', "import { create } from 'zustand';"],
    // Tests compose layers on purpose (the engine over the practice host).
    ['electron/core/session.test.ts', "import { openPracticeHost } from '../host/practice/index';"],
    ['electron/core/session.test.ts', "import { startTdsServer } from '../testing/tds/index';"],
    // The rule does not over-fire: each layer's legitimate arrows, in every import form.
    ['electron/core/x.ts', "const { parentPort } = require('node:worker_threads');"],
    ['electron/core/x.ts', "const { buildPlan } = await import('./run/context');"],
    ['electron/core/x.ts', "export { stepSchema } from '../shared/plan';"],
    ['electron/core/x.ts', "import yauzl = require('yauzl');"],
    ['electron/core/x.ts', "type Ports = typeof import('./ports');"],
    ['electron/core/x.ts', "import archiver from 'archiver';"],
    ['electron/core/steps/x.ts', "import type { Host } from '../ports';"],
    ['electron/core/ports.ts', "import type { SqlCredentials } from '../shared/sql-credentials';"],
    ['electron/host/windows/x.ts', "import sql from 'mssql';"],
    ['electron/host/windows/x.ts', "import { PowerShell } from 'node-powershell';"],
    ['electron/host/windows/sql/x.ts', "import { runScript } from '../powershell';"],
    ['electron/host/windows/sql/x.ts', "import type { Databases } from '../../../core/ports';"],
    ['electron/host/practice/x.ts', "import { layout } from './layout';"],
    ['electron/host/practice/x.ts', "import { quote } from '../common';"],
    ['electron/host/x.ts', "import type { Host } from '../core/ports';"],
    ['electron/cli/x.ts', "import { openSession } from '../core/session';"],
    ['electron/cli/x.ts', "import { openPracticeHost } from '../host/practice';"],
    ['electron/cli/x.ts', "import { readServer } from '../host/windows/server';"],
    ['electron/cli/x.ts', "import { msg } from '../shared/message';"],
    ['electron/cli/bin.mjs', "const { main } = await import('./main.ts');"],
    ['electron/cli/bin.mjs', "import { register } from 'tsx/esm/api';"],
    ['electron/main/ipc/x.ts', "import { openSession } from '../../core/session';"],
    ['electron/main/x.ts', "import { openPracticeHost } from '../host/practice/index';"],
    ['electron/main/x.ts', "import { readServer } from '../host/windows/server';"],
    ['electron/main/x.ts', "import { contract } from '../shared/contract';"],
    ['electron/main/x.ts', "import path from 'node:path';"],
    ['electron/testing/x.ts', "import { writePracticeKit } from '../cli/practice-kit';"],
    ['electron/testing/x.ts', "import { openPracticeHost } from '../host/practice/index';"],
    ['renderer/src/components/x.tsx', "import { useTranslation } from 'react-i18next';"],
    ['renderer/src/components/x.tsx', "import { useStore } from '../store/react';"],
    ['renderer/src/components/x.tsx', "import './styles.css';"],
    // Strings that merely look like imports (a worker's source text) are not imports.
    ['electron/core/x.ts', "const SOURCE = `const fs = require('node:fs');`;"],
  ])('%s may: %s', async (filePath, code) => {
    expect(await layerErrors(filePath, code)).toEqual([]);
  });

  it('says which arrow is broken and why', async () => {
    expect(await layerErrors('electron/core/x.ts', "const iis = require('../host/windows/iis');")).toEqual([
      "core -> host/windows is not an allowed arrow ('../host/windows/iis'): core reaches the machine only through " +
        'core/ports; main or the CLI choose the host and pass it in. core imports only: core, core/ports, shared, node, npm.',
    ]);
    const [sibling] = await layerErrors(
      'electron/host/windows/x.ts',
      "import { init } from '../practice/init';",
    );
    expect(sibling).toMatch(
      /^host\/windows -> host\/practice is not an allowed arrow .*the two hosts are siblings/,
    );
    const [testing] = await layerErrors('electron/main/x.ts', "import '../testing/practice-fixture';");
    expect(testing).toMatch(/^main -> testing is not an allowed arrow .*never shipped/);
  });
});
