import { chmod, lstat, mkdir, readdir } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { practiceStepContext } from '../../testing/step-context';
import { filesBackup } from './backup';

/** Issue 12: the backup folder the admin gives is for Administrators and SYSTEM only (mode 0o700 here). */

let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

describe('the backup folder the admin gives', () => {
  it('made by the step: it and the run’s folder inside it are mode 0o700, the zip in it', async () => {
    fx = await practiceFixture();
    const dir = path.join(fx.root, 'copie');
    const outcome = await filesBackup.run(await practiceStepContext(fx, { backupDir: dir }));
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
    const ctx = await practiceStepContext(fx, { backupDir: dir });
    await expect(filesBackup.run(ctx)).rejects.toMatchObject({
      message_: { key: 'host-protection.folder-open', params: { dir, who: 'group/other (mode 0777)' } },
    });
    expect(await readdir(dir)).toEqual([]);
    expect(ctx.artifacts).toEqual([]);
  });
});
