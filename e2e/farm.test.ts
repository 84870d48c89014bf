import path from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { createPracticeKit } from '../electron/cli/practice-kit';
import { stepNeedingAdmin } from '../electron/cli/prompt';
import { sourceResourcesDir } from '../electron/core/resources';
import { openSession } from '../electron/core/session';
import { openPracticeHost } from '../electron/host/practice/index';
import { initPracticeFarm } from '../electron/host/practice/farm-init';
import { engineCatalog } from '../electron/shared/i18n';
import type { Session, SessionStep } from '../electron/shared/plan';
import { uiEn } from '../renderer/src/i18n/ui.en';
import { uiIt } from '../renderer/src/i18n/ui.it';
import { ARTIFACTS_DIR, type Harness, USERS_RECHECK_MS, startHarness } from './harness';
import {
  BANNER,
  WAIT,
  driveUntil,
  okCalls,
  openApp,
  startAndLogOffUsers,
  stepSelector,
  text,
  waitForLanguage,
} from './page';

const TO_VERSION = '7.8.5.13100517_x64';
const FARM = ['CRM-APP01', 'CRM-APP02', 'CRM-APP03'];
const CONNECTIONS = [
  { connection: 'Produzione', database: 'CRM_PROD' },
  { connection: 'Formazione', database: 'CRM_FORMAZIONE' },
];

let harness: Harness | null = null;
afterEach(async () => {
  const h = harness;
  harness = null;
  await h?.close();
});

// --- texts -------------------------------------------------------------------------------------

type Params = Record<string, string | number>;
const fill = (template: string, params: Params = {}): string =>
  template.replace(/\{\{(\w+)\}\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
const ui = { it: uiIt, en: uiEn };
const uiText = (lang: 'it' | 'en', key: keyof typeof uiIt, params?: Params) => fill(ui[lang][key], params);
const engineText = (lang: 'it' | 'en', key: keyof typeof engineCatalog.it, params?: Params) =>
  fill(engineCatalog[lang][key], params);

// --- page helpers (the moves shared with upgrade.test.ts are in page.ts) ------------------------

const farmServer = (page: Page, hostname: string): Locator =>
  page.locator(`[data-testid="farm-server"][data-hostname="${hostname}"]`);
const farmConnection = (page: Page, connection: string): Locator =>
  page.locator(`[data-testid="farm-connection"][data-connection="${connection}"]`);

/** The window open, in Italian, with its farm view. */
async function openFarmView(h: Harness): Promise<void> {
  await openApp(h);
  await h.page.getByTestId('farm-view').waitFor({ timeout: WAIT });
}

/** Types into the add-servers form and submits it, as the admin would. */
async function addServers(page: Page, typed: string, lang: 'it' | 'en' = 'it'): Promise<void> {
  const form = page.getByTestId('farm-add-form');
  await form.getByLabel(ui[lang]['ui.farm.add.label']).fill(typed, { timeout: WAIT });
  await form.getByTestId('farm-add-submit').click({ timeout: WAIT });
}

// --- the farm's other servers, driven without a window ------------------------------------------

/**
 * One visit to a farm server, as demo --farm does it through the session's handlers: start,
 * confirm each manual step, until the run waits for the farm. Returns the run as it then stands.
 */
async function visitUntilFarmWaits(
  serverDir: string,
  kitDir: string,
  first: boolean,
): Promise<{ waiting: SessionStep; farmCheck: SessionStep | undefined }> {
  const session = await openSession({
    host: await openPracticeHost(serverDir),
    kitDir,
    usersRecheckMs: USERS_RECHECK_MS,
  });
  try {
    const h = session.handlers;
    // The practice user logs off once: the farm's databases, and so its users, are shared.
    if (first) expect(await h.practiceLogOffUsers()).toEqual({ ok: true });
    expect(await h.startRun()).toEqual({ ok: true });
    let farmCheck: SessionStep | undefined;
    for (let round = 0; round < 20; round++) {
      await session.settled();
      const s: Session = await h.getSession();
      const step = stepNeedingAdmin(s);
      if (s.run.state !== 'waiting' || step?.status !== 'waiting')
        throw new Error(`the run on ${serverDir} stopped (${s.run.state}) at ${step?.id ?? 'no step'}`);
      if (step.finding?.key.startsWith('farm.')) {
        return { waiting: step, farmCheck: farmCheck ?? s.steps.find((x) => x.id === 'check.farm') };
      }
      if (step.id === 'check.farm') farmCheck = step;
      expect(await h.confirmStep(step.id), step.id).toEqual({ ok: true });
    }
    throw new Error(`too many manual steps on ${serverDir}`);
  } finally {
    await session.close();
  }
}

// -----------------------------------------------------------------------------------------------

describe('the farm view, end to end on a practice farm', () => {
  it('shows a farm of three mid-upgrade, and the databases updated from the third server', async () => {
    const visits: Awaited<ReturnType<typeof visitUntilFarmWaits>>[] = [];
    const h = (harness = await startHarness({
      practice: async (root) => {
        const farm = await initPracticeFarm(path.join(root, 'farm'), { servers: FARM.length });
        const kitDir = path.join(root, 'kit');
        await createPracticeKit(kitDir, { resourcesDir: sourceResourcesDir() });
        const dirOf = (name: string) => farm.servers.find((s) => s.hostname === name)?.dir ?? '';
        expect(farm.servers.map((s) => s.hostname)).toEqual(FARM);
        visits.push(await visitUntilFarmWaits(dirOf('CRM-APP01'), kitDir, true));
        visits.push(await visitUntilFarmWaits(dirOf('CRM-APP02'), kitDir, false));
        return { serverDir: dirOf('CRM-APP03'), kitDir };
      },
    }));
    const { page } = h;

    // Headless, on CRM-APP01: the farm check waited for the admin and listed the three servers;
    // the database backup then waits for the two others. On CRM-APP02, for the third.
    const [app01, app02] = visits;
    expect(app01?.farmCheck?.finding?.key).toBe('check.farm.to-confirm');
    expect(app01?.farmCheck?.finding?.params).toMatchObject({
      count: 3,
      servers: 'CRM-APP01, CRM-APP02, CRM-APP03',
      // The two others are known from a fact: their CRM pools' sessions on the shared databases.
      seen: 'CRM-APP02, CRM-APP03',
    });
    for (const [visit, notLocked] of [
      [app01, 'CRM-APP02, CRM-APP03'],
      [app02, 'CRM-APP03'],
    ] as const) {
      expect(visit?.waiting.id).toBe('backup.db:Produzione');
      expect(visit?.waiting.finding).toEqual({
        key: 'farm.not-locked-out.finding',
        params: { servers: notLocked },
      });
    }

    await openFarmView(h);
    expect(await text(page.getByTestId('server-hostname'))).toBe('CRM-APP03');

    // The farm view: a region named for the farm, open by itself for a farm of three.
    const view = page.getByRole('region', { name: uiIt['ui.farm.title'] });
    expect(await view.getAttribute('data-testid')).toBe('farm-view');
    expect(await view.getAttribute('data-expanded')).toBe('true');
    expect(await view.getAttribute('data-servers')).toBe('3');
    const rows = page.getByTestId('farm-servers').getByTestId('farm-server');
    expect((await rows.evaluateAll((r) => r.map((x) => x.getAttribute('data-hostname')))).sort()).toEqual(
      FARM,
    );
    for (const locked of ['CRM-APP01', 'CRM-APP02']) {
      const row = farmServer(page, locked);
      expect(await row.getAttribute('data-lockout'), locked).toBe('on');
      expect(await text(row.getByTestId('farm-server-lockout')), locked).toBe(uiIt['ui.farm.lockout.on']);
      expect(await row.getByTestId('farm-this-server').count(), locked).toBe(0);
    }
    const here = farmServer(page, 'CRM-APP03');
    expect(await here.getAttribute('data-this')).toBe('true');
    expect(await text(here.getByTestId('farm-this-server'))).toBe(uiIt['ui.farm.thisServer']);
    expect(await here.getAttribute('data-lockout')).not.toBe('on');
    for (const { connection } of CONNECTIONS) {
      const row = farmConnection(page, connection);
      expect(await text(row.getByTestId('farm-connection-updated-by')), connection).toBe(
        uiIt['ui.farm.notYet'],
      );
      expect(await text(row.getByTestId('farm-connection-backed-up-by')), connection).toBe(
        uiIt['ui.farm.notYet'],
      );
    }
    // The next step names a server, in a live region.
    const next = page.getByTestId('farm-next');
    expect(await page.getByTestId('farm-next-region').getAttribute('aria-live')).toBe('polite');
    const nextServer = (await next.getAttribute('data-server')) ?? '';
    expect(nextServer).toBe((await h.session.handlers.getFarmStatus()).next.server);
    expect(nextServer).toBe('CRM-APP03');
    expect(await text(next)).toContain(nextServer);

    // The run on CRM-APP03, in the window: nobody is connected any more (logged off on
    // CRM-APP01), the others are locked out, so the databases are backed up and updated here.
    await page.getByTestId('start-run').click({ timeout: WAIT });
    const confirmed = await driveUntil(h, BANNER('finished'));
    expect(confirmed).toContain('after.db-update:Produzione');
    expect(confirmed).toContain('after.db-update:Formazione');
    expect(confirmed).not.toContain('check.farm');
    // The farm check passed by itself here: the list was confirmed on CRM-APP01.
    const farmCheck = (await h.session.handlers.getSession()).steps.find((s) => s.id === 'check.farm');
    const listed = String(farmCheck?.evidence?.servers ?? '');
    expect(listed.split(', ').sort()).toEqual(FARM);
    expect(await text(page.locator(stepSelector('check.farm', 'passed')).getByTestId('step-finding'))).toBe(
      engineText('it', 'check.farm.confirmed', { count: 3, servers: listed, by: 'CRM-APP01' }),
    );

    // The farm view follows: the databases updated (and backed up) by CRM-APP03, this server
    // open again, and the next step on CRM-APP01, which waits for the farm.
    for (const { connection } of CONNECTIONS) {
      const row = farmConnection(page, connection);
      await row
        .locator('[data-testid="farm-connection-updated-by"]', { hasText: 'CRM-APP03' })
        .waitFor({ timeout: WAIT });
      expect(await text(row.getByTestId('farm-connection-backed-up-by')), connection).toBe('CRM-APP03');
      expect(await text(row.getByTestId('farm-connection-version')), connection).toContain(TO_VERSION);
    }
    await page.locator('[data-testid="farm-next"][data-server="CRM-APP01"]').waitFor({ timeout: WAIT });
    const checkAgain = (lang: 'it' | 'en') =>
      engineText(lang, 'farm.next.check-again', { server: 'CRM-APP01' });
    expect(await text(next)).toContain(checkAgain('it'));
    await page
      .locator('[data-testid="farm-server"][data-hostname="CRM-APP03"][data-lockout="off"]')
      .waitFor({ timeout: WAIT });
    expect(await text(here.getByTestId('farm-server-version'))).toBe(TO_VERSION);
    for (const waiting of ['CRM-APP01', 'CRM-APP02']) {
      const row = farmServer(page, waiting);
      expect(await row.getAttribute('data-lockout'), waiting).toBe('on');
      expect(await text(row.getByTestId('farm-server-step')), waiting).toBe(
        `${engineText('it', 'step.backup.db.title', { database: 'CRM_PROD', connection: 'Produzione' })} ${uiIt['ui.farm.run.waiting']}`,
      );
    }
    expect(await page.getByTestId('farm-complete').count()).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'farm-view-it.png'), fullPage: true });

    // In English: the same view, in the admin's other language.
    await page.getByTestId('language-toggle').click({ timeout: WAIT });
    await waitForLanguage(page, 'en');
    expect(await page.getByRole('region', { name: uiEn['ui.farm.title'] }).getAttribute('data-testid')).toBe(
      'farm-view',
    );
    expect(await text(next)).toContain(checkAgain('en'));
    expect(await text(farmServer(page, 'CRM-APP01').getByTestId('farm-server-lockout'))).toBe(
      uiEn['ui.farm.lockout.on'],
    );
    expect(await text(here.getByTestId('farm-this-server'))).toBe(uiEn['ui.farm.thisServer']);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'farm-view-en.png'), fullPage: true });

    expect(okCalls(h, 'practicePressAggiornaDatabase')).toBe(CONNECTIONS.length);
    expect(h.refusals).toEqual([]);
    expect(h.calls.filter((c) => c.outcome !== 'ok')).toEqual([]);
    expect(h.problems()).toEqual([]);
  });
});

describe('completing the farm in the window', () => {
  it('refuses a bad computer name in both languages, sending nothing, then adds CRM-APP09 to a single server', async () => {
    const h = (harness = await startHarness());
    const { page } = h;
    await openFarmView(h);

    // A farm of one says so in one line; the details open on request, with the form.
    const view = page.getByTestId('farm-view');
    expect(await view.getAttribute('data-servers')).toBe('1');
    expect(await view.getAttribute('data-expanded')).toBe('false');
    expect(await page.getByTestId('farm-add-form').count()).toBe(0);
    const toggle = page.getByTestId('farm-toggle');
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    expect(await text(toggle)).toBe(uiIt['ui.farm.showAdd']);
    await toggle.click({ timeout: WAIT });
    await page.locator('[data-testid="farm-view"][data-expanded="true"]').waitFor({ timeout: WAIT });
    expect(await toggle.getAttribute('aria-expanded')).toBe('true');
    const hostnames = () =>
      page.getByTestId('farm-server').evaluateAll((r) => r.map((x) => x.getAttribute('data-hostname')));
    expect(await hostnames()).toEqual(['CRM-APP01']);

    // A name that is not a Windows computer name: said in the window's language, nothing sent.
    await addServers(page, 'bad name!');
    const error = page.getByTestId('farm-add-error');
    await error.waitFor({ timeout: WAIT });
    expect(await text(error)).toBe(uiText('it', 'ui.farm.add.badName', { name: 'name!' }));
    const input = page.getByTestId('farm-add-input');
    expect(await input.getAttribute('aria-invalid')).toBe('true');
    await page.getByTestId('language-toggle').click({ timeout: WAIT });
    await waitForLanguage(page, 'en');
    expect(await text(error)).toBe(uiText('en', 'ui.farm.add.badName', { name: 'name!' }));
    expect(await page.getByTestId('farm-add-form').getByLabel(uiEn['ui.farm.add.label']).count()).toBe(1);
    await page.getByTestId('language-toggle').click({ timeout: WAIT });
    await waitForLanguage(page, 'it');
    expect(h.calls.filter((c) => c.name === 'setFarmServers')).toEqual([]);
    expect(await hostnames()).toEqual(['CRM-APP01']);

    // CRM-APP09: sent with the server already known, written onto the kit, listed in the view.
    await addServers(page, 'CRM-APP09');
    await expect.poll(() => okCalls(h, 'setFarmServers'), { timeout: WAIT }).toBe(1);
    const added = farmServer(page, 'CRM-APP09');
    await added.waitFor({ timeout: WAIT });
    expect(await error.count()).toBe(0);
    expect(await input.inputValue()).toBe('');
    expect((await hostnames()).sort()).toEqual(['CRM-APP01', 'CRM-APP09']);
    expect(await text(added)).toContain(uiIt['ui.farm.source.list']);
    expect(await added.getAttribute('data-lockout')).toBe('unknown');
    // Nothing ran yet: the list is written, the run still ready.
    expect(await page.locator(BANNER('ready')).count()).toBe(1);

    // The run: the farm check finds the list confirmed; the database backup then waits for CRM-APP09.
    await startAndLogOffUsers(h);
    await driveUntil(h, stepSelector('backup.db:Produzione', 'waiting'));
    expect(await text(page.locator(stepSelector('check.farm', 'passed')).getByTestId('step-finding'))).toBe(
      engineText('it', 'check.farm.confirmed', {
        count: 2,
        servers: 'CRM-APP01, CRM-APP09',
        by: 'CRM-APP01',
      }),
    );
    const backup = page.locator(stepSelector('backup.db:Produzione', 'waiting'));
    expect(await text(backup.getByTestId('step-finding'))).toBe(
      engineText('it', 'farm.not-locked-out.finding', { servers: 'CRM-APP09' }),
    );
    expect(await text(backup.getByTestId('step-remedy'))).toContain(
      engineText('it', 'farm.not-locked-out.remedy', { servers: 'CRM-APP09' }),
    );
    const next = page.locator('[data-testid="farm-next"][data-server="CRM-APP09"]');
    await next.waitFor({ timeout: WAIT });
    expect(await text(next)).toContain(engineText('it', 'farm.next.start', { server: 'CRM-APP09' }));
    expect(await farmServer(page, 'CRM-APP01').getAttribute('data-lockout')).toBe('on');

    expect(h.refusals).toEqual([]);
    expect(h.calls.filter((c) => c.outcome !== 'ok')).toEqual([]);
    expect(h.problems()).toEqual([]);
  });

  it("on a farm's first server, adding CRM-APP09 while the farm check waits confirms the list of four", async () => {
    const h = (harness = await startHarness({
      practice: async (root) => {
        const farm = await initPracticeFarm(path.join(root, 'farm'), { servers: FARM.length });
        const kitDir = path.join(root, 'kit');
        await createPracticeKit(kitDir, { resourcesDir: sourceResourcesDir() });
        return { serverDir: farm.servers[0]?.dir ?? '', kitDir };
      },
    }));
    const { page } = h;
    await openFarmView(h);
    await startAndLogOffUsers(h);

    // The farm check waits for the admin: three servers found (two from their SQL sessions).
    const check = page.locator(stepSelector('check.farm', 'waiting'));
    await check.waitFor({ timeout: WAIT });
    const found = await text(check.getByTestId('step-finding'));
    for (const name of FARM) expect(found).toContain(name);
    await page.locator('[data-testid="farm-view"][data-servers="3"][data-expanded="true"]').waitFor({
      timeout: WAIT,
    });

    // The admin completes the list instead of pressing Confirm: the engine confirms the check.
    const confirmsBefore = h.calls.filter((c) => c.name === 'confirmStep').length;
    await addServers(page, 'CRM-APP09');
    await expect.poll(() => okCalls(h, 'setFarmServers'), { timeout: WAIT }).toBe(1);
    const passed = page.locator(stepSelector('check.farm', 'passed'));
    await passed.waitFor({ timeout: WAIT });
    expect(h.calls.filter((c) => c.name === 'confirmStep').length).toBe(confirmsBefore);
    const step = (await h.session.handlers.getSession()).steps.find((s) => s.id === 'check.farm');
    const listed = String(step?.evidence?.servers ?? '');
    expect(listed.split(', ').sort()).toEqual([...FARM, 'CRM-APP09']);
    expect(step?.evidence?.confirmedByAdmin).toBe(true);
    expect(await text(passed.getByTestId('step-finding'))).toBe(
      engineText('it', 'check.farm.confirmed', { count: 4, servers: listed, by: 'CRM-APP01' }),
    );
    await farmServer(page, 'CRM-APP09').waitFor({ timeout: WAIT });
    expect(await page.getByTestId('farm-view').getAttribute('data-servers')).toBe('4');

    expect(h.refusals).toEqual([]);
    expect(h.calls.filter((c) => c.outcome !== 'ok')).toEqual([]);
    expect(h.problems()).toEqual([]);
  });
});
