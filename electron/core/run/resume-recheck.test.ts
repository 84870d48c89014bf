import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../shared/plan';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';

/**
 * Issue 12: a resumed run asks the server again before any action. The journal says what was
 * done; the facts of now (rights, installation, versions) decide whether anything more is.
 */

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const step = (snap: Session, id: string) => snap.steps.find((x) => x.id === id);

/** A run stopped on a failed MOBILE setup (the CRM's own setup passed), its session closed. */
async function runStoppedAfterMainSetup(): Promise<{
  checkedAt: string | undefined;
  diskAt: string | undefined;
}> {
  fx = await practiceFixture({ kit: { mobileSetupFailsWith: 1603 } });
  session = await openSession({ host: fx.host, kitDir: fx.kitDir, setupTimeoutMs: 20_000 });
  await session.handlers.practiceLogOffUsers();
  await session.handlers.startRun();
  await settle(session);
  await session.handlers.confirmStep('check.release-notes');
  const snap = await settle(session);
  expect(step(snap, 'upgrade.mobile-setup')?.status).toBe('failed');
  await session.close();
  session = undefined;
  return { checkedAt: step(snap, 'check.elevation')?.startedAt, diskAt: step(snap, 'check.disk')?.startedAt };
}

describe('a resumed run asks the checks again before any action', () => {
  it('the checks run again on resume; the files this run upgraded are its own work, not a half-finished upgrade', async () => {
    const { checkedAt, diskAt } = await runStoppedAfterMainSetup();
    session = await openSession({ host: fx!.host, kitDir: fx!.kitDir, setupTimeoutMs: 20_000 });
    const snap = await settle(session);
    expect(snap.run).toMatchObject({ resumed: true, state: 'paused' });
    expect(step(snap, 'check.elevation')?.startedAt).not.toBe(checkedAt);
    expect(step(snap, 'check.version')).toMatchObject({
      status: 'passed',
      finding: { key: 'check.version.resumed' },
    });
    // Asked at the start only: the room for backups already taken, and the users behind the lockout.
    expect(step(snap, 'check.disk')?.startedAt).toBe(diskAt);
    expect(step(snap, 'upgrade.mobile-setup')?.status).toBe('failed');
    expect(snap.run.actions).toContain('rollback');
  });

  it('a check that now fails stops the run there: retrying the failed setup does not run it', async () => {
    await runStoppedAfterMainSetup();
    const machine = path.join(fx!.serverDir, 'practice-server.json');
    const facts = JSON.parse(await readFile(machine, 'utf8')) as Record<string, unknown>;
    await writeFile(machine, JSON.stringify({ ...facts, elevated: false }));
    session = await openSession({ host: fx!.host, kitDir: fx!.kitDir, setupTimeoutMs: 20_000 });
    let snap = await settle(session);
    expect(step(snap, 'check.elevation')?.status).toBe('failed');
    expect(snap.run.state).toBe('paused');
    const mobileBefore = step(snap, 'upgrade.mobile-setup');

    expect(await session.handlers.retryStep('upgrade.mobile-setup')).toEqual({ ok: true });
    snap = await settle(session);
    expect(step(snap, 'check.elevation')?.status).toBe('failed');
    expect(step(snap, 'upgrade.mobile-setup')?.startedAt).toBe(mobileBefore?.startedAt);
    expect(step(snap, 'upgrade.mobile-setup')?.status).not.toBe('passed');
    // The way back stays open.
    expect(await session.handlers.rollback()).toEqual({ ok: true });
    expect((await settle(session)).run.state).toBe('rolled-back');
  });
});
