import path from 'node:path';
import { expect, it } from 'vitest';
import type { Step } from '../../shared/plan';
import { type Profile, loadProfile } from '../profile';
import { sourceResourcesDir } from '../resources';
import { type AppSession, openSession } from '../session';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach, settle } from '../../testing/session-harness';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

const byId = (steps: readonly Step[], id: string) => steps.find((s) => s.id === id);
const shipped = () => loadProfile(path.join(sourceResourcesDir(), 'profiles', 'crm.json'));

/** A practice kit carrying its own profile, and optionally a host whose DLLs have a file version. */
async function checksWith(edit: (p: Profile) => Profile, fileVersion?: string): Promise<Step[]> {
  fx = await practiceFixture({ kit: { profile: edit(await shipped()) } });
  const host = fileVersion
    ? { ...fx.host, system: { ...fx.host.system, fileVersion: async () => fileVersion } }
    : fx.host;
  session = await openSession({ host, kitDir: fx.kitDir, readOnly: true });
  return session.runChecks();
}

it("reads the installed version from a DLL's file version, completed by the profile's architecture", async () => {
  const steps = await checksWith(
    (p) => ({ ...p, installedVersion: { kind: 'file-version', file: 'bin/Crm.Web.dll', arch: 'x64' } }),
    '7.8.4.13050210',
  );
  expect(byId(steps, 'check.version')).toMatchObject({
    status: 'passed',
    evidence: { installed: '7.8.4.13050210_x64' },
  });
});

it('a DLL without a file version is unreadable, and says which file', async () => {
  const steps = await checksWith((p) => ({
    ...p,
    installedVersion: { kind: 'file-version', file: 'bin/Crm.Web.dll', arch: 'x64' },
  }));
  expect(byId(steps, 'check.version')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.version.unreadable.finding', params: { file: 'bin/Crm.Web.dll' } },
  });
});

it('a version the practice server cannot query is reported unreadable, not guessed', async () => {
  const steps = await checksWith((p) => ({
    ...p,
    installedVersion: { kind: 'query', query: 'SELECT Versione FROM dbo.Sistema' },
  }));
  expect(byId(steps, 'check.version')).toMatchObject({
    status: 'failed',
    finding: { key: 'check.version.unreadable.finding', params: { file: 'SQL' } },
  });
});

it('when only the CRM shows the licence, the admin reads "Informazioni su" and confirms', async () => {
  fx = await practiceFixture({
    kit: { profile: { ...(await shipped()), licence: { kind: 'admin-confirms' } } },
  });
  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  await session.handlers.practiceLogOffUsers();
  await session.handlers.startRun();
  let snap = await settle(session);
  expect(byId(snap.steps, 'check.licence')).toMatchObject({
    kind: 'manual',
    status: 'waiting',
    instructions: { key: 'check.licence.admin.instructions' },
  });
  expect(await session.handlers.confirmStep('check.licence')).toEqual({ ok: true });
  snap = await settle(session);
  expect(byId(snap.steps, 'check.licence')).toMatchObject({
    status: 'passed',
    evidence: { confirmedByAdmin: true },
  });
});

it("without a way to read the database's version, the admin's confirmation stands, marked as unchecked", async () => {
  fx = await practiceFixture();
  const { UpgradeError, msg } = await import('../../shared/message');
  const databases = {
    ...fx.host.databases,
    schemaVersion: async () => Promise.reject(new UpgradeError(msg('sql.no-version-query'))),
  };
  session = await openSession({ host: { ...fx.host, databases }, kitDir: fx.kitDir });
  await session.handlers.practiceLogOffUsers();
  await session.handlers.startRun();
  await session.idle();
  await session.handlers.confirmStep('check.release-notes');
  let snap = await settle(session);
  expect(byId(snap.steps, 'after.db-update:Produzione')).toMatchObject({ status: 'waiting' });
  expect(await session.handlers.confirmStep('after.db-update:Produzione')).toEqual({ ok: true });
  snap = await settle(session);
  expect(byId(snap.steps, 'after.db-update:Produzione')).toMatchObject({
    status: 'warning',
    finding: { key: 'after.db-update.unchecked' },
    evidence: { confirmedByAdmin: true },
  });
});
