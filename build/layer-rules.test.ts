import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * The architecture's arrows (docs/architecture.md) are enforced by eslint.config.js; these
 * tests lint snippets at virtual paths to prove each rule fires where it must and only there.
 */
const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const eslint = new ESLint({ cwd: repoRoot });

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${code}\n`, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
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
  ])('%s may not: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toHaveLength(1);
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
  ])('%s may: %s', async (filePath, code) => {
    expect(await restrictedImports(filePath, code)).toEqual([]);
  });
});
