import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseVersionName } from '../../shared/version-name';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { discover } from '../discovery';
import { loadProfile } from '../profile';
import { sourceResourcesDir } from '../resources';
import type { StepContext } from '../run/context';
import type { Artifact } from '../run/journal';
import { filesBackup } from './backup';

/** Issue 12: the backup folder the admin gives is for Administrators and SYSTEM only (mode 0o700 here). */

let fx: PracticeFixture | undefined;
afterEach(async () => {
  await fx?.dispose();
  fx = undefined;
});

async function contextFor(f: PracticeFixture, backupDir: string): Promise<StepContext> {
  const profile = await loadProfile(path.join(sourceResourcesDir(), 'profiles', 'crm.json'));
  const artifacts: Artifact[] = [];
  return {
    host: f.host,
    kit: null,
    kitProblem: null,
    kitDir: f.kitDir,
    profile,
    discovery: await discover(f.host, profile),
    runId: 'run-1',
    runDir: path.join(f.root, 'run'),
    options: { backupDir, setupTimeoutMs: 20_000, poolStopTimeoutMs: 5_000, allowedKitExtras: [] },
    artifacts,
    recordArtifact: async (a: Artifact) => void artifacts.push(a),
    progress: () => undefined,
    log: () => undefined,
    steps: [],
    kitVersion: parseVersionName('7.8.5.13100517_x64'),
    startedFrom: null,
    releaseNotes: [],
    writeReport: () => Promise.reject(new Error('not here')),
  } satisfies StepContext;
}

describe('the backup folder the admin gives', () => {
  it('made by the step: it and the run’s folder inside it are mode 0o700, the zip in it', async () => {
    fx = await practiceFixture();
    const dir = path.join(fx.root, 'copie');
    const outcome = await filesBackup.run(await contextFor(fx, dir));
    expect(outcome.status).toBe('passed');
    expect((await lstat(dir)).mode & 0o777).toBe(0o700);
    const [runFolder] = await readdir(dir);
    expect(runFolder).toMatch(/-run-1$/);
    expect((await lstat(path.join(dir, runFolder!))).mode & 0o777).toBe(0o700);
    expect((await readdir(path.join(dir, runFolder!))).filter((n) => n.endsWith('.zip'))).toHaveLength(1);
  });

  it('made first by someone else, world-writable: refused with what to do, nothing written in it', async () => {
    fx = await practiceFixture();
    const dir = path.join(fx.root, 'copie');
    await mkdir(dir);
    await chmod(dir, 0o777);
    const ctx = await contextFor(fx, dir);
    await expect(filesBackup.run(ctx)).rejects.toMatchObject({
      message_: { key: 'host-protection.folder-open', params: { dir, who: 'group/other (mode 0777)' } },
    });
    expect(await readdir(dir)).toEqual([]);
    expect(ctx.artifacts).toEqual([]);
  });
});
