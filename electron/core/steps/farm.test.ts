import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { closeAfterEach } from '../../testing/session-harness';
import type { Session, Step } from '../../shared/plan';
import { type FarmFixture, farmFixture } from '../../testing/farm-fixture';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { runMain } from '../../testing/run-main';
import { farmListSchema } from '../farm/ledger';
import { loadProfile } from '../profile';
import { sourceResourcesDir } from '../resources';
import { type AppSession, openSession } from '../session';

/**
 * Issue 15, procedure step 2 ("repeat the procedure on every application server that takes part
 * in load balancing"): check.farm finds the servers from the CRM's sessions of other hosts, the
 * profile and the kit's list; the admin confirms the list once, on the first server.
 */

let f: FarmFixture | undefined;
let p: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, f, p]);

const farmFile = (kitDir: string) => path.join(kitDir, 'reports', '_ledger', 'farm.json');
const exists = (file: string) =>
  access(file).then(
    () => true,
    () => false,
  );
const readList = async (kitDir: string) =>
  farmListSchema.parse(JSON.parse(await readFile(farmFile(kitDir), 'utf8')));

/** Every status check.farm went through while the session ran, as the window saw them. */
function watchFarmCheck(s: AppSession): string[] {
  const seen: string[] = [];
  s.subscribe((event, payload) => {
    if (event !== 'session') return;
    const status = (payload as Session).steps.find((x) => x.id === 'check.farm')?.status;
    if (status && seen.at(-1) !== status) seen.push(status);
  });
  return seen;
}

/** The users log off, the run starts, and the checks run until the admin is needed. */
async function runChecks(s: AppSession): Promise<Step> {
  await s.handlers.practiceLogOffUsers();
  await s.handlers.startRun();
  await s.settled();
  return farmCheckOf(s);
}

async function farmCheckOf(s: AppSession): Promise<Step> {
  const step = (await s.handlers.getSession()).steps.find((x) => x.id === 'check.farm');
  if (!step) throw new Error('no check.farm in the plan');
  return step;
}

describe('check.farm on a single server', () => {
  it('passes with check.farm.single and asks nothing; a list given later is written, the check stays passed', async () => {
    p = await practiceFixture();
    session = await openSession({ host: p.host, kitDir: p.kitDir, usersRecheckMs: 50 });
    const seen = watchFarmCheck(session);
    const step = await runChecks(session);
    expect(step).toMatchObject({
      status: 'passed',
      finding: { key: 'check.farm.single', params: { server: 'CRM-APP01' } },
      evidence: { servers: 'CRM-APP01', count: 1 },
      actions: [],
    });
    expect(seen).not.toContain('waiting');
    expect(await exists(farmFile(p.kitDir))).toBe(false);

    expect(await session.handlers.setFarmServers(['CRM-APP02'])).toEqual({ ok: true });
    expect((await readList(p.kitDir)).servers).toEqual(['CRM-APP01', 'CRM-APP02']);
    expect((await farmCheckOf(session)).status).toBe('passed');
  });

  it('waits for the admin when the profile names another server, seen by no session', async () => {
    const profile = await loadProfile(path.join(sourceResourcesDir(), 'profiles', 'crm.json'));
    p = await practiceFixture({ kit: { profile: { ...profile, farm: { servers: ['CRM-APP09'] } } } });
    session = await openSession({ host: p.host, kitDir: p.kitDir, usersRecheckMs: 50 });
    expect(await runChecks(session)).toMatchObject({
      status: 'waiting',
      finding: {
        key: 'check.farm.to-confirm',
        params: { count: 2, servers: 'CRM-APP01, CRM-APP09', seen: '-' },
      },
      actions: ['confirm'],
    });
  });
});

describe('check.farm on a practice farm of two', () => {
  it('waits listing both servers and the one seen through its sessions; confirm writes the list; the second server does not ask', async () => {
    f = await farmFixture(2);
    session = await f.open('CRM-APP01');
    const step = await runChecks(session);
    expect(step).toMatchObject({
      status: 'waiting',
      finding: {
        key: 'check.farm.to-confirm',
        params: { count: 2, servers: 'CRM-APP01, CRM-APP02', seen: 'CRM-APP02' },
      },
      remedy: { key: 'check.farm.to-confirm.remedy' },
      actions: ['confirm'],
    });
    // Nothing on the kit until the admin confirms.
    expect(await exists(farmFile(f.kitDir))).toBe(false);

    expect(await session.handlers.confirmStep('check.farm')).toEqual({ ok: true });
    await session.settled();
    expect(await farmCheckOf(session)).toMatchObject({
      status: 'passed',
      finding: {
        key: 'check.farm.confirmed',
        params: { count: 2, servers: 'CRM-APP01, CRM-APP02', by: 'CRM-APP01' },
      },
      evidence: { confirmedByAdmin: true },
    });
    const list = await readList(f.kitDir);
    expect(list).toMatchObject({
      servers: ['CRM-APP01', 'CRM-APP02'],
      confirmedBy: 'CRM-APP01',
      kitVersion: f.kitVersion,
    });
    const written = await readFile(farmFile(f.kitDir), 'utf8');
    await session.close();
    session = undefined;

    // The stick goes to CRM-APP02: the list on the kit names it, nobody is asked again.
    session = await f.open('CRM-APP02');
    const seen = watchFarmCheck(session);
    expect(await runChecks(session)).toMatchObject({
      status: 'passed',
      finding: {
        key: 'check.farm.confirmed',
        params: { count: 2, servers: 'CRM-APP02, CRM-APP01', by: 'CRM-APP01' },
      },
      actions: [],
    });
    expect(seen).not.toContain('waiting');
    expect(await readFile(farmFile(f.kitDir), 'utf8')).toBe(written);
  });

  it('setFarmServers refuses a name that is not a computer name, writing nothing; good names confirm the waiting check', async () => {
    f = await farmFixture(2);
    session = await f.open('CRM-APP01');
    expect((await runChecks(session)).status).toBe('waiting');

    const refused = await session.handlers.setFarmServers(['CRM-APP02', 'BAD NAME!']);
    expect(refused).toEqual({
      ok: false,
      error: { key: 'farm.server-name-invalid', params: { name: 'BAD NAME!' } },
    });
    expect(await exists(farmFile(f.kitDir))).toBe(false);
    expect((await farmCheckOf(session)).status).toBe('waiting');

    expect(await session.handlers.setFarmServers([' CRM-APP02 ', 'CRM-APP03'])).toEqual({ ok: true });
    await session.settled();
    expect((await readList(f.kitDir)).servers).toEqual(['CRM-APP01', 'CRM-APP02', 'CRM-APP03']);
    expect(await farmCheckOf(session)).toMatchObject({
      status: 'passed',
      finding: {
        key: 'check.farm.confirmed',
        params: { count: 3, servers: 'CRM-APP01, CRM-APP02, CRM-APP03', by: 'CRM-APP01' },
      },
    });
  });
});

describe('run --farm-servers', () => {
  it('is a usage error (exit 2) on a name that is not a computer name, before any session opens', async () => {
    p = await practiceFixture();
    const out = await runMain(
      'run',
      '--practice',
      p.serverDir,
      '--kit',
      p.kitDir,
      '--farm-servers',
      'CRM-APP02,BAD!',
    );
    expect(out.code).toBe(2);
    expect(out.stderr).toContain('--farm-servers takes Windows computer names');
    expect(out.stderr).toContain('CRM-APP02,BAD!');
    expect(await exists(farmFile(p.kitDir))).toBe(false);
    expect(await exists(path.join(p.kitDir, 'reports', 'CRM-APP01'))).toBe(false);
  });
});
