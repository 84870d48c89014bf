import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  APP_PACKAGE_JSON,
  EDITION_FIELD,
  type RuntimeFacts,
  assertPracticeAllowed,
  practiceRefusal,
  readEdition,
  runsPackaged,
  thisBuild,
} from './edition';
import { translator } from './i18n';

const node: RuntimeFacts = {
  electron: undefined,
  defaultApp: false,
  sea: false,
  codeUrl: 'file:///repo/electron/core/edition.ts',
};

describe('practice mode: which builds allow it', () => {
  it('the packaged admin edition refuses it with a message in both languages that says what to do', () => {
    const refusal = practiceRefusal({ packaged: true, edition: 'admin' });
    expect(refusal).toEqual({ key: 'practice-edition.refused' });
    expect(translator('it')(refusal!)).toContain('--practice');
    expect(translator('en')(refusal!)).toContain('practice key');
    expect(translator('en')({ key: 'practice-edition.refused.remedy' })).toContain('dist:practice');
    expect(() => assertPracticeAllowed({ packaged: true, edition: 'admin' })).toThrow(
      expect.objectContaining({ message_: { key: 'practice-edition.refused' } }),
    );
  });

  it('the packaged practice edition and a clone (development, tests) allow it', () => {
    expect(practiceRefusal({ packaged: true, edition: 'practice' })).toBeNull();
    expect(practiceRefusal({ packaged: false, edition: 'admin' })).toBeNull();
    expect(practiceRefusal({ packaged: false, edition: 'practice' })).toBeNull();
  });

  it('tells a packaged program from a clone, for Electron and for a Node CLI', () => {
    expect(runsPackaged({ ...node, electron: '45.4.1', defaultApp: false })).toBe(true);
    expect(runsPackaged({ ...node, electron: '45.4.1', defaultApp: true })).toBe(false);
    expect(runsPackaged(node)).toBe(false);
    // The CLI bundled to JavaScript (shipped with a Node) or built into one exe is packaged.
    expect(runsPackaged({ ...node, codeUrl: 'file:///stick/crm-upgrade/cli.mjs' })).toBe(true);
    expect(runsPackaged({ ...node, sea: true })).toBe(true);
  });
});

describe('the edition, fixed at build time in the app package.json', () => {
  it('is read from the field electron-builder writes; anything else is the admin edition', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'edition-'));
    try {
      const file = path.join(dir, 'package.json');
      await writeFile(file, JSON.stringify({ name: 'x', [EDITION_FIELD]: 'practice' }));
      expect(await readEdition(file)).toBe('practice');
      await writeFile(file, JSON.stringify({ name: 'x', [EDITION_FIELD]: 'Practice ' }));
      expect(await readEdition(file)).toBe('admin');
      await writeFile(file, '{ not json');
      expect(await readEdition(file)).toBe('admin');
      expect(await readEdition(path.join(dir, 'missing.json'))).toBe('admin');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('npm run dist builds the admin edition and npm run dist:practice the practice one', async () => {
    const pkg = JSON.parse(await readFile(APP_PACKAGE_JSON, 'utf8')) as {
      name: string;
      scripts: Record<string, string>;
    };
    expect(pkg.name).toBe('crm-upgrade-manager');
    expect(await readEdition(APP_PACKAGE_JSON)).toBe('admin');
    expect(pkg.scripts.dist).not.toContain(EDITION_FIELD);
    expect(pkg.scripts['dist:practice']).toContain(`-c.extraMetadata.${EDITION_FIELD}=practice`);
    // From a clone, this very process: not packaged, the admin's package.json, practice allowed.
    expect(await thisBuild(node)).toEqual({ packaged: false, edition: 'admin' });
  });
});
