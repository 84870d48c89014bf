import { cp, mkdir, mkdtemp, readFile, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPracticeKit } from '../../cli/practice-kit';
import { UpgradeError } from '../../shared/message';
import { runRecord } from '../../testing/journal-records';
import { Journal, serverJournalFile } from '../run/journal';
import { sourceResourcesDir } from '../resources';
import { loadTrustedKeys } from './kit-keys';
import { stageKit } from './kit-staging';
import { type SignedKit, readSignedKit } from './kit-verify';
import { removeEndedStagedKits, stagedKitDir } from './run-kit';

let work: string;
let template: string;
let count = 0;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'kit-staging-'));
  template = path.join(work, 'template');
  await createPracticeKit(template, { resourcesDir: sourceResourcesDir() });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh signed practice kit on a "stick", and an empty protected folder to stage it into. */
async function fresh(): Promise<{ kit: SignedKit; stage: string }> {
  const n = ++count;
  const dir = path.join(work, `stick-${n}`);
  await cp(template, dir, { recursive: true });
  const kit = await readSignedKit(dir, await loadTrustedKeys(sourceResourcesDir(), true));
  return { kit, stage: path.join(work, `state-${n}`, 'runs', 'run-1', 'kit') };
}

async function tree(root: string, rel = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
    const child = rel ? `${rel}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await tree(root, child)));
    else out.push(child);
  }
  return out.sort();
}

const at = (root: string, rel: string) => path.join(root, ...rel.split('/'));
/** Byte for byte (Buffer.equals: a deep toEqual over every byte is slow). */
const same = async (a: string, b: string) => (await readFile(a)).equals(await readFile(b));
const PAYLOAD = 'setup/payload-crm/files/bin/Crm.Web.dll';

describe('the kit staged on the server', () => {
  it('holds every listed file, byte for byte, and nothing else', async () => {
    const { kit, stage } = await fresh();
    const staged = await stageKit(kit, stage);
    const listed = kit.manifest.files.map((f) => f.path).sort();
    expect(staged.copied.sort()).toEqual(listed);
    expect(staged.replaced).toEqual([]);
    expect(await tree(stage)).toEqual(listed);
    for (const f of listed) expect(await same(at(stage, f), at(kit.dir, f)), f).toBe(true);
  });

  it('staging again keeps what still matches and copies nothing', async () => {
    const { kit, stage } = await fresh();
    await stageKit(kit, stage);
    expect(await stageKit(kit, stage)).toMatchObject({ copied: [], replaced: [] });
  });

  it('a resume after a crash: a staged file that no longer matches is copied again and verified; leftovers go', async () => {
    const { kit, stage } = await fresh();
    await stageKit(kit, stage);
    await truncate(at(stage, PAYLOAD), 3); // cut mid-copy
    await writeFile(at(stage, 'setup/version.dll'), 'MZ planted beside the setup');
    await writeFile(at(stage, `${PAYLOAD}.part`), 'half');
    await symlink('/etc', at(stage, 'setup/elsewhere'));
    const again = await stageKit(kit, stage);
    expect(again).toMatchObject({ copied: [PAYLOAD], replaced: [PAYLOAD] });
    expect(await same(at(stage, PAYLOAD), at(kit.dir, PAYLOAD))).toBe(true);
    expect(await tree(stage)).toEqual(kit.manifest.files.map((f) => f.path).sort());
  });

  it('a file altered on the stick after the check fails naming it, and its bytes are never staged', async () => {
    const { kit, stage } = await fresh();
    await writeFile(at(kit.dir, PAYLOAD), 'EVIL');
    const err: unknown = await stageKit(kit, stage).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UpgradeError);
    expect((err as UpgradeError).message_).toEqual({ key: 'kit.file-hash', params: { path: PAYLOAD } });
    await expect(readFile(at(stage, PAYLOAD))).rejects.toThrow();
    expect((await tree(stage)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });

  it('a staging folder that is a link is refused, and nothing is copied through it', async () => {
    const { kit, stage } = await fresh();
    const elsewhere = path.join(work, `elsewhere-${count}`);
    await mkdir(elsewhere);
    await mkdir(path.dirname(stage), { recursive: true });
    await symlink(elsewhere, stage);
    const err: unknown = await stageKit(kit, stage).catch((e: unknown) => e);
    expect((err as UpgradeError).message_).toEqual({
      key: 'kit-staging.not-a-folder',
      params: { dir: stage },
    });
    expect(await readdir(elsewhere)).toEqual([]);
  });
});

describe('staged kits go with their run', () => {
  it('the copies of finished and rolled-back runs are removed; the current and unfinished ones stay', async () => {
    const { kit } = await fresh();
    const stateDir = path.join(work, `state-ended-${count}`);
    const states = {
      'run-a': 'finished',
      'run-b': 'rolled-back',
      'run-c': 'paused',
      current: 'finished',
    } as const;
    for (const [runId, state] of Object.entries(states)) {
      const journal = await Journal.create(serverJournalFile(stateDir, runId), runRecord(runId));
      await journal.append({ t: 'state', at: '2026-11-24T10:01:00.000Z', state });
      await stageKit(kit, stagedKitDir(stateDir, runId));
    }
    // A run folder whose journal cannot be read keeps its copy.
    await stageKit(kit, stagedKitDir(stateDir, 'run-d'));
    expect((await removeEndedStagedKits(stateDir, 'current')).sort()).toEqual(['run-a', 'run-b']);
    const left = await readdir(path.join(stateDir, 'runs'), { recursive: true });
    expect(left.filter((p) => p.endsWith(`${path.sep}kit`) || p === 'kit').sort()).toEqual(
      ['current', 'run-c', 'run-d'].map((r) => path.join(r, 'kit')),
    );
    expect(left).toContain(path.join('run-a', 'journal.jsonl'));
  });
});
