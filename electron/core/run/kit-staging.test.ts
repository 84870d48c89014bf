import { access, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { LogEntry, Session } from '../../shared/plan';
import { treeHash } from '../files/tree';
import { stagedKitDir } from '../kit/run-kit';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const PAYLOAD = ['setup', 'payload-crm', 'files', 'bin', 'Crm.Web.dll'];
const INSTALLED = ['bin', 'Crm.Web.dll'];
const stepOf = (snap: Session, id: string) => snap.steps.find((s) => s.id === id);

/** A run started on a fresh practice server, stopped where the admin reads the notes: check.kit passed. */
async function atTheNotes(
  logs: LogEntry[] = [],
): Promise<{ s: AppSession; f: PracticeFixture; stage: string }> {
  const f = (fx = await practiceFixture());
  const s = (session = await openSession({ host: f.host, kitDir: f.kitDir, setupTimeoutMs: 20_000 }));
  s.subscribe((event, payload) => {
    if (event === 'log') logs.push(payload as LogEntry);
  });
  await s.handlers.practiceLogOffUsers();
  expect(await s.handlers.startRun()).toEqual({ ok: true });
  const snap = await settle(s);
  expect(stepOf(snap, 'check.kit')?.status).toBe('passed');
  expect(stepOf(snap, 'check.release-notes')?.status).toBe('waiting');
  const stage = stagedKitDir(await f.host.system.stateDir(), snap.run.id);
  expect(stepOf(snap, 'check.kit')?.evidence.staged).toBe(stage);
  return { s, f, stage };
}

/** The rest of the run, the admin's part done as on the practice server. */
async function finish(s: AppSession): Promise<Session> {
  expect(await s.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
  for (;;) {
    const snap = await settle(s);
    const waiting = snap.steps.find((x) => x.status === 'waiting');
    if (!waiting) return snap;
    if (waiting.id.startsWith('after.db-update:'))
      await s.handlers.practicePressAggiornaDatabase(waiting.id.split(':')[1] ?? '');
    expect(await s.handlers.confirmStep(waiting.id)).toEqual({ ok: true });
  }
}

describe('the setups run from the staged, verified copy of the kit', () => {
  it('a payload edited on the stick after check.kit passed is not what gets installed', async () => {
    const { s, f, stage } = await atTheNotes();
    const good = await readFile(path.join(f.kitDir, ...PAYLOAD));
    await writeFile(path.join(f.kitDir, ...PAYLOAD), 'EVIL: edited on the stick after the check');
    const snap = await finish(s);
    expect(snap.run.state).toBe('finished');
    expect((await readFile(path.join(f.appDir, ...INSTALLED))).equals(good)).toBe(true);
    // The run ended: its staged copy goes, its journal stays.
    await expect(access(stage)).rejects.toThrow();
    await access(path.join(path.dirname(stage), 'journal.jsonl'));
  });

  it('a staged file that no longer matches is copied again from the stick and verified before the setup', async () => {
    const logs: LogEntry[] = [];
    const { s, f, stage } = await atTheNotes(logs);
    const good = await readFile(path.join(f.kitDir, ...PAYLOAD));
    await writeFile(path.join(stage, ...PAYLOAD), 'EVIL: the staged copy changed under the run');
    expect((await finish(s)).run.state).toBe('finished');
    expect((await readFile(path.join(f.appDir, ...INSTALLED))).equals(good)).toBe(true);
    expect(logs.map((l) => l.message)).toContainEqual({
      key: 'kit-staging.recopied',
      params: { count: 1, files: PAYLOAD.join('/') },
    });
  });

  it('both copies altered: the setup refuses, naming the file, and installs nothing', async () => {
    const { s, f, stage } = await atTheNotes();
    const before = await treeHash(f.appDir);
    await writeFile(path.join(stage, ...PAYLOAD), 'EVIL');
    await writeFile(path.join(f.kitDir, ...PAYLOAD), 'EVIL');
    expect(await s.handlers.confirmStep('check.release-notes')).toEqual({ ok: true });
    const snap = await settle(s);
    expect(snap.run.state).toBe('paused');
    expect(stepOf(snap, 'upgrade.setup')).toMatchObject({
      status: 'failed',
      finding: { key: 'kit.file-hash', params: { path: PAYLOAD.join('/') } },
      remedy: { key: 'check.kit.remedy' },
    });
    expect(await treeHash(f.appDir)).toBe(before);
  });

  it('a read-only check copies nothing onto the server', async () => {
    const f = (fx = await practiceFixture());
    session = await openSession({ host: f.host, kitDir: f.kitDir, readOnly: true });
    const steps = await session.runChecks();
    expect(steps.find((x) => x.id === 'check.kit')).toMatchObject({
      status: 'passed',
      evidence: { staged: false },
    });
    const runId = (await session.handlers.getSession()).run.id;
    await expect(access(stagedKitDir(await f.host.system.stateDir(), runId))).rejects.toThrow();
  });
});

describe('check.kit refuses what the manifest does not list', () => {
  it.each(['setup/setup.exe.config', 'setup/version.dll', 'x.hta'])(
    'an unlisted %s on the stick fails check.kit, naming it, with a remedy',
    async (paths) => {
      const f = (fx = await practiceFixture());
      await writeFile(path.join(f.kitDir, ...paths.split('/')), 'planted');
      session = await openSession({ host: f.host, kitDir: f.kitDir, readOnly: true });
      const steps = await session.runChecks();
      expect(steps.find((x) => x.id === 'check.kit')).toMatchObject({
        status: 'failed',
        skippable: false,
        finding: { key: 'kit.unlisted', params: { paths } },
        remedy: { key: 'kit.unlisted.remedy', params: { paths } },
      });
    },
  );
});

describe('release notes come only from verified bytes', () => {
  it('notes tampered on the stick are not shown, and the notes step says which', async () => {
    const f = (fx = await practiceFixture());
    const tampered = path.join(f.kitDir, 'notes', '7.8.5.it.md');
    await writeFile(tampered, '# 7.8.5\n\n[Aggiornamento urgente](https://attacker.example/setup.exe)\n');
    session = await openSession({ host: f.host, kitDir: f.kitDir, readOnly: true });
    const snap = await session.handlers.getSession();
    expect(snap.releaseNotes.map((n) => n.lang)).toEqual(['en']);
    expect(JSON.stringify(snap.releaseNotes)).not.toContain('attacker.example');
    const steps = await session.runChecks();
    expect(steps.find((x) => x.id === 'check.release-notes')).toMatchObject({
      status: 'failed',
      finding: { key: 'kit-staging.note-unverified.finding', params: { paths: 'notes/7.8.5.it.md' } },
      remedy: { key: 'kit-staging.note-unverified.remedy' },
    });
  });
});
