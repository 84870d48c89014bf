import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpgradeError, msg } from '../../shared/message';
import type { Session } from '../../shared/plan';
import type { StepId } from '../../shared/step-id';
import { type FarmFixture, farmFixture } from '../../testing/farm-fixture';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';
import type { Host } from '../ports';
import type { StepDefinition } from '../run/context';
import { type AppSession, openSession } from '../session';
import { buildPlan } from '../steps/plan';

/** What a review of the farm found a single server or a real profile would meet (issue 15). */

const NEW = '7.8.5.13100517_x64';

let fx: PracticeFixture | undefined;
let f: FarmFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx, f]);

/** The plan with a step after `after` that fails: the admin rolls back from there. */
const failingAfter =
  (
    after: StepId,
    run: StepDefinition['run'] = async () => ({ status: 'failed', finding: msg('engine.step-crashed') }),
  ) =>
  (ctx: Parameters<typeof buildPlan>[0]) => {
    const steps = buildPlan(ctx);
    const at = steps.findIndex((d) => d.id === after) + 1;
    const extra: StepDefinition = {
      id: 'upgrade.review' as StepId,
      phase: after.startsWith('backup.') ? 'backup' : 'upgrade',
      kind: 'action',
      skippable: false,
      title: msg('step.upgrade.setup.title'),
      run,
    };
    return [...steps.slice(0, at), extra, ...steps.slice(at)];
  };

async function rollBack(s: AppSession): Promise<Session> {
  expect(await s.handlers.rollback()).toEqual({ ok: true });
  await s.settled();
  return s.handlers.getSession();
}

async function startAlone(plan: typeof buildPlan): Promise<AppSession> {
  fx = await practiceFixture();
  const opened = await openSession({ host: fx.host, kitDir: fx.kitDir, plan });
  await opened.handlers.practiceLogOffUsers();
  await opened.handlers.startRun();
  for (;;) {
    const snap = await settle(opened, { waitForUsers: true });
    const waiting = snap.steps.find((x) => x.status === 'waiting');
    if (snap.run.state !== 'waiting' || !waiting) return opened;
    await opened.handlers.confirmStep(waiting.id);
  }
}

describe('a server alone', () => {
  it('rolls back after a database backup failed its verification: nothing to restore, not stuck', async () => {
    // The .bak damaged between its backup and its verification.
    session = await startAlone(
      failingAfter('backup.db:Produzione', async (ctx) => {
        const bak = ctx.artifacts.find((a) => a.kind === 'db-backup');
        if (bak?.kind === 'db-backup') await writeFile(bak.path, `${await readFile(bak.path, 'utf8')}x`);
        return { status: 'passed' };
      }),
    );
    let snap = await session.handlers.getSession();
    expect(snap.steps.find((x) => x.id === 'backup.verify-db:Produzione')?.status).toBe('failed');
    snap = await rollBack(session);
    expect(snap.run.state).toBe('rolled-back');
  });

  it('a run that began half-finished (files 7.8.5, databases 7.8.4) rolls back and reopens as it found it', async () => {
    const plan = failingAfter('backup.verify-db:Formazione');
    fx = await practiceFixture();
    await writeFile(path.join(fx.appDir, 'bin', 'version.txt'), `${NEW}\n`);
    session = await openSession({ host: fx.host, kitDir: fx.kitDir, plan });
    await session.handlers.practiceLogOffUsers();
    await session.handlers.startRun();
    for (;;) {
      const snap = await settle(session, { waitForUsers: true });
      const waiting = snap.steps.find((x) => x.status === 'waiting');
      if (snap.run.state !== 'waiting' || !waiting) break;
      await session.handlers.confirmStep(waiting.id);
    }
    expect(
      (await session.handlers.getSession()).steps.find((x) => x.id === ('upgrade.review' as StepId))?.status,
    ).toBe('failed');
    const snap = await rollBack(session);
    expect(snap.run.state).toBe('rolled-back');
    const site = await fx.host.iis.findCrm('CRM');
    expect(site && (await fx.host.iis.request(site, 'outside')).status).toBe(200);
  });

  it('an SSMS window under the CRM login on another PC is a user to log off, not a farm server', async () => {
    fx = await practiceFixture();
    const dataDir = path.join(
      fx.serverDir,
      'C',
      'Program Files',
      'Microsoft SQL Server',
      'MSSQL16.SQLEXPRESS',
      'MSSQL',
      'DATA',
    );
    const file = path.join(dataDir, 'CRM_PROD.json');
    const db = JSON.parse(await readFile(file, 'utf8')) as Record<string, unknown>;
    const ssms = {
      host: 'PC-DBA',
      program: 'Microsoft SQL Server Management Studio',
      login: 'crm_app',
      sessions: 1,
      sleeping: 1,
    };
    await writeFile(file, JSON.stringify({ ...db, otherSessions: [ssms] }));
    session = await openSession({ host: fx.host, kitDir: fx.kitDir });
    await session.handlers.practiceLogOffUsers();
    await session.handlers.startRun();
    const snap = await settle(session);
    expect(snap.steps.find((x) => x.id === 'check.farm')).toMatchObject({
      status: 'passed',
      finding: { key: 'check.farm.single' },
    });
    expect(snap.steps.find((x) => x.id === 'check.users')?.finding?.params?.users).toContain('PC-DBA');
  });
});

describe('a farm whose profile cannot read the databases’ version', () => {
  it('does not begin: check.farm fails and says what the vendor must give', async () => {
    f = await farmFixture(2);
    const real = await f.host('CRM-APP01');
    const host: Host = {
      ...real,
      databases: {
        ...real.databases,
        schemaVersion: () => Promise.reject(new UpgradeError(msg('sql.no-version-query'))),
      },
    };
    session = await openSession({ host, kitDir: f.kitDir });
    await session.handlers.practiceLogOffUsers();
    await session.handlers.startRun();
    const snap = await settle(session);
    expect(snap.steps.find((x) => x.id === 'check.farm')).toMatchObject({
      status: 'failed',
      finding: {
        key: 'check.farm.no-version.finding',
        params: { count: 2, connections: 'Produzione, Formazione' },
      },
      remedy: { key: 'check.farm.no-version.remedy' },
    });
    expect(snap.steps.find((x) => x.id === 'backup.lockout-on')?.status).toBe('pending');
  });
});
