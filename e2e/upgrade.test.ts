import { createHash } from 'node:crypto';
import { request } from 'node:http';
import { existsSync } from 'node:fs';
import { lstat, readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { treeHash } from '../electron/core/files/tree';
import { CALL_NAMES } from '../electron/shared/contract';
import { describeVersionName, parseVersionName } from '../electron/shared/version-name';
import { uiEn } from '../renderer/src/i18n/ui.en';
import { uiIt } from '../renderer/src/i18n/ui.it';
import { openPracticeHost } from '../electron/host/practice/index';
import { ARTIFACTS_DIR, CONTENT_SECURITY_POLICY, type Harness, startHarness } from './harness';
import {
  BANNER,
  WAIT,
  driveUntil,
  okCalls,
  openApp,
  startAndLogOffUsers,
  step,
  stepSelector,
  text,
  waitForLanguage,
  waitForRunState,
  waitForStep,
} from './page';

const FROM_VERSION = '7.8.4.13050210_x64';
const TO_VERSION = '7.8.5.13100517_x64';

/**
 * The steps the plan must hold, in this order. The plan may hold more (it grows with the
 * procedure, e.g. a manual check); the tests take the full list from the engine's session.
 */
const REQUIRED_STEPS = [
  'check.kit',
  'check.elevation',
  'check.architecture',
  'check.installation',
  'check.version',
  'check.licence',
  'check.users',
  'check.disk',
  'backup.lockout-on',
  'backup.users-again',
  'backup.files',
  'backup.verify-files',
  'backup.mobile-files',
  'backup.verify-mobile-files',
  'backup.stop-pool',
  'backup.db:Produzione',
  'backup.verify-db:Produzione',
  'backup.db:Formazione',
  'backup.verify-db:Formazione',
  'upgrade.setup',
  'upgrade.mobile-setup',
  'upgrade.start-pool',
  'upgrade.check-version',
  'after.db-update:Produzione',
  'after.db-update:Formazione',
  'after.add-functions',
  'after.lockout-off',
  'after.crm-answers',
  'report.write',
];

// --- page helpers (the moves the e2e tests share are in page.ts) ------------------------------

/** `actual` holds every id of `required`, in the same order. */
function expectInOrder(actual: readonly string[], required: readonly string[]): void {
  expect(actual.filter((id) => required.includes(id))).toEqual(required);
}

// --- file helpers ------------------------------------------------------------------------------

interface Entry {
  type: 'dir' | 'file' | 'symlink' | 'other';
  mode: number;
  content?: Buffer;
}

/** Every path under `root` with its type, permission bits and (for files) its bytes. */
async function snapshotTree(root: string): Promise<Map<string, Entry>> {
  const out = new Map<string, Entry>();
  async function walk(rel: string): Promise<void> {
    const abs = rel ? path.join(root, rel) : root;
    for (const name of (await readdir(abs)).sort()) {
      const childRel = rel ? `${rel}/${name}` : name;
      const full = path.join(abs, name);
      const st = await lstat(full);
      const mode = st.mode & 0o777;
      if (st.isDirectory()) {
        out.set(childRel, { type: 'dir', mode });
        await walk(childRel);
      } else if (st.isFile()) out.set(childRel, { type: 'file', mode, content: await readFile(full) });
      else out.set(childRel, { type: st.isSymbolicLink() ? 'symlink' : 'other', mode });
    }
  }
  await walk('');
  return out;
}

/** The paths that differ between two snapshots, each with why; [] when byte-for-byte equal. */
function treeDifferences(before: Map<string, Entry>, after: Map<string, Entry>): string[] {
  const diffs: string[] = [];
  for (const [p, b] of before) {
    const a = after.get(p);
    if (!a) diffs.push(`missing: ${p}`);
    else if (a.type !== b.type) diffs.push(`type ${b.type} → ${a.type}: ${p}`);
    else if (a.mode !== b.mode) diffs.push(`mode ${b.mode.toString(8)} → ${a.mode.toString(8)}: ${p}`);
    else if (b.content && a.content && !b.content.equals(a.content)) {
      const sha = (x: Buffer) => createHash('sha256').update(x).digest('hex').slice(0, 12);
      diffs.push(`content ${sha(b.content)} → ${sha(a.content)}: ${p}`);
    }
  }
  for (const p of after.keys()) if (!before.has(p)) diffs.push(`added: ${p}`);
  return diffs;
}

async function findFiles(root: string, name: string): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.name.toLowerCase() === name.toLowerCase()) found.push(path.join(entry.parentPath, entry.name));
  }
  return found;
}

/** A GET with the path sent as written (fetch and URL would normalise "..", this does not). */
function rawGet(
  origin: string,
  rawPath: string,
): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  const { hostname, port } = new URL(origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: hostname, port: Number(port), path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

// -----------------------------------------------------------------------------------------------

let harness: Harness | null = null;

afterEach(async () => {
  const h = harness;
  harness = null;
  await h?.close();
});

describe('CRM Upgrade Manager, end to end on a practice server', () => {
  it('upgrades the practice server through the UI, in Italian', async () => {
    // A pause per copied file keeps the setup running long enough to be seen (and photographed).
    const h = (harness = await startHarness({ setupDelayMs: 200 }));
    const { page } = h;
    await openApp(h);

    // The header: which server, which versions, which mode.
    await expect
      .poll(() => page.getByTestId('server-hostname').textContent(), { timeout: WAIT })
      .toBe('CRM-APP01');
    const installed = describeVersionName(parseVersionName(FROM_VERSION), 'it');
    expect(installed).toBe('7.8.4, build 2 maggio 2013 ore 10');
    expect(await text(page.getByTestId('installed-version'))).toBe(installed);
    expect((await h.session.handlers.getSession()).server.installedVersion).toBe(FROM_VERSION);
    const kit = page.getByTestId('kit-version');
    expect(await text(kit)).toBe('7.8.5, build 5 ottobre 2013 ore 17');
    expect(await text(kit)).toContain('5 ottobre 2013');
    expect(await kit.getAttribute('title')).toBe(TO_VERSION);
    expect(await page.getByTestId('practice-badge').isVisible()).toBe(true);
    expect(await text(page.getByTestId('practice-badge'))).toBe(uiIt['ui.header.practiceBadge']);
    expect(await page.getByTestId('practice-key-note').isVisible()).toBe(true);
    expect(await page.getByTestId('app').getAttribute('data-mode')).toBe('practice');
    expect(await text(page.getByTestId('start-run'))).toBe(uiIt['ui.action.start']);

    // The plan, in order, before anything ran: the engine's, and it holds the procedure's steps.
    const plan = (await h.session.handlers.getSession()).steps;
    const planIds = plan.map((s) => s.id);
    expectInOrder(planIds, REQUIRED_STEPS);
    expect(
      await page.getByTestId('step').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-step-id'))),
    ).toEqual(planIds);

    await startAndLogOffUsers(h, async (users) => {
      // What was found and what to do, on the failed check and in the banner.
      const finding = users.getByTestId('step-finding');
      const remedy = users.getByTestId('step-remedy');
      expect(await finding.isVisible()).toBe(true);
      expect(await remedy.isVisible()).toBe(true);
      const findingIt = await text(finding);
      expect(findingIt).toMatch(/collegat/); // "1 utenti collegati: …"
      expect(await page.getByTestId('banner-finding').isVisible()).toBe(true);
      expect(await page.getByTestId('banner-remedy').isVisible()).toBe(true);

      // One round trip through English: the UI's words and the engine's messages both switch.
      await page.getByTestId('language-toggle').click();
      await waitForLanguage(page, 'en');
      expect(await text(users.getByTestId('retry-step'))).toBe(uiEn['ui.action.retry']);
      expect(await text(users.getByTestId('practice-log-off-users'))).toBe(uiEn['ui.practice.logOffUsers']);
      expect(await text(page.getByTestId('practice-badge'))).toBe(uiEn['ui.header.practiceBadge']);
      expect(await text(page.getByTestId('kit-version'))).toBe('7.8.5, build 5 October 2013 at 17:00');
      const findingEn = await text(finding);
      expect(findingEn).toMatch(/connected/i);
      expect(findingEn).not.toBe(findingIt);
      await page.getByTestId('language-toggle').click();
      await waitForLanguage(page, 'it');
      expect(await text(users.getByTestId('retry-step'))).toBe(uiIt['ui.action.retry']);
      expect(await text(finding)).toBe(findingIt);
    });

    // Backups, then the upgrade: photograph the checklist while the setup copies files.
    const confirmedBefore = await driveUntil(
      h,
      `${stepSelector('upgrade.setup', 'running')} [data-testid="step-progress"]`,
    );
    expect(await page.getByTestId('app').getAttribute('data-language')).toBe('it');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'checklist-mid-upgrade.png'), fullPage: true });
    for (const s of plan.filter((s) => s.phase === 'checks' || s.phase === 'backup')) {
      expect(await step(page, s.id).getAttribute('data-status'), s.id).toBe('passed');
    }

    // The manual steps: "Aggiorna Database" per connection (the practice button, then Confermo),
    // then "Aggiungi Tutte le funzioni"; and any other manual step the plan holds, confirmed.
    const confirmedAfter = await driveUntil(h, BANNER('finished'));
    const confirmed = [...confirmedBefore, ...confirmedAfter];
    // check.farm is manual only for a farm: alone, this server's check passes by itself (issue 15).
    const manual = plan.filter((s) => s.kind === 'manual' && s.id !== 'check.farm').map((s) => s.id);
    expect(confirmed).toEqual(manual);
    const farmCheck = (await h.session.handlers.getSession()).steps.find((s) => s.id === 'check.farm');
    expect(farmCheck).toMatchObject({ status: 'passed', finding: { key: 'check.farm.single' } });
    expectInOrder(confirmed, [
      'after.db-update:Produzione',
      'after.db-update:Formazione',
      'after.add-functions',
    ]);

    // Finished: every step passed, the report is where the panel says and says what happened.
    await waitForRunState(page, 'finished');
    const panel = page.getByTestId('report-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT });
    expect(await panel.getAttribute('data-outcome')).toBe('upgraded');
    const statuses = await page
      .getByTestId('step')
      .evaluateAll((rows) =>
        rows.map((r) => [r.getAttribute('data-step-id'), r.getAttribute('data-status')]),
      );
    expect(statuses).toEqual(planIds.map((id) => [id, 'passed']));
    expect(await page.getByTestId('error-alert').count()).toBe(0);

    const jsonPath = (await text(page.getByTestId('report-json-path'))).trim();
    const htmlPath = (await text(page.getByTestId('report-html-path'))).trim();
    expect(path.isAbsolute(jsonPath)).toBe(true);
    expect(jsonPath.startsWith(h.kitDir + path.sep)).toBe(true);
    expect(existsSync(htmlPath)).toBe(true);
    const report = JSON.parse(await readFile(jsonPath, 'utf8')) as {
      outcome: string;
      fromVersion: string;
      toVersion: string;
      steps: { id: string; status: string }[];
    };
    expect(report.outcome).toBe('upgraded');
    expect(report.fromVersion).toBe(FROM_VERSION);
    expect(report.toVersion).toBe(TO_VERSION);
    expect(report.steps.map((s) => s.id)).toEqual(planIds);

    expect(await page.getByTestId('app').getAttribute('data-language')).toBe('it');
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'report.png'), fullPage: true });

    expect(h.refusals).toEqual([]);
    expect(h.calls.filter((c) => c.outcome !== 'ok')).toEqual([]);
    expect(h.problems()).toEqual([]);
  });

  it('offers Skip on the second connection\'s optional "Aggiorna Database", and finishes with it skipped', async () => {
    const h = (harness = await startHarness());
    const { page } = h;
    await openApp(h);
    await startAndLogOffUsers(h);

    // The first connection's "Aggiorna Database" is required: no Skip.
    const first = 'after.db-update:Produzione';
    await driveUntil(h, stepSelector(first, 'waiting'));
    const firstRow = step(page, first);
    expect(await firstRow.getByTestId('confirm-step').isVisible()).toBe(true);
    expect(await firstRow.getByTestId('skip-step').count()).toBe(0);
    expect((await h.session.handlers.getSession()).steps.find((s) => s.id === first)?.actions).not.toContain(
      'skip',
    );

    // The second one is optional (procedure step 7): Skip, Confirm and the practice button.
    const second = 'after.db-update:Formazione';
    expect(await driveUntil(h, stepSelector(second, 'waiting'))).toEqual([first]);
    const row = step(page, second);
    expect(await row.getAttribute('data-kind')).toBe('manual');
    expect(await text(row)).toContain(uiIt['ui.step.optional']);
    expect(await row.getByTestId('confirm-step').isVisible()).toBe(true);
    expect(await row.getByTestId('practice-aggiorna-database').getAttribute('data-connection-id')).toBe(
      'Formazione',
    );
    const skip = row.getByTestId('skip-step');
    expect(await text(skip)).toBe(uiIt['ui.action.skip']);
    await skip.click({ timeout: WAIT });
    const reason = 'Formazione si aggiorna domani, a mano';
    await row.getByTestId('skip-reason').fill(reason, { timeout: WAIT });
    await row.getByTestId('skip-submit').click({ timeout: WAIT });
    await waitForStep(page, second, 'skipped');
    expect(await text(row.getByTestId('step-skip-reason'))).toContain(reason);

    // The run goes on to the end with that step skipped.
    await driveUntil(h, BANNER('finished'));
    const panel = page.getByTestId('report-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT });
    expect(await panel.getAttribute('data-outcome')).toBe('upgraded');
    await h.session.idle();
    const session = await h.session.handlers.getSession();
    // Users come back with a warning: the skipped connection's database is still the old one.
    expect(session.steps.filter((s) => s.status !== 'passed').map((s) => [s.id, s.status])).toEqual([
      [second, 'skipped'],
      ['after.lockout-off', 'warning'],
    ]);

    // The report says it was skipped, and why, in the JSON and in the HTML.
    const jsonPath = (await text(page.getByTestId('report-json-path'))).trim();
    const report = JSON.parse(await readFile(jsonPath, 'utf8')) as {
      outcome: string;
      steps: { id: string; status: string; skipReason?: string }[];
    };
    expect(report.outcome).toBe('upgraded');
    expect(report.steps.find((s) => s.id === second)).toMatchObject({
      status: 'skipped',
      skipReason: reason,
    });
    expect(report.steps.find((s) => s.id === first)?.status).toBe('passed');
    const html = await readFile((await text(page.getByTestId('report-html-path'))).trim(), 'utf8');
    expect(html).toContain(`Saltato, motivo: ${reason}`);

    expect(h.refusals).toEqual([]);
    expect(h.calls.filter((c) => c.outcome !== 'ok')).toEqual([]);
    expect(h.calls.filter((c) => c.name === 'skipStep')).toHaveLength(1);
    expect(h.problems()).toEqual([]);
  });

  it('refuses a user who logs in after the users check, shows the lockout in the header, and lets users in only once every database is updated', async () => {
    const h = (harness = await startHarness());
    const { page } = h;
    const host = await openPracticeHost(h.serverDir);
    const practice = host.practice!;
    const connections = ['Produzione', 'Formazione'] as const;
    const schemaVersions = async () =>
      Promise.all(
        (['CRM_PROD', 'CRM_FORMAZIONE'] as const).map((database, i) =>
          host.databases.schemaVersion({
            name: connections[i]!,
            database,
            server: '.\\SQLEXPRESS',
            connectionString: '',
          }),
        ),
      );
    await openApp(h);
    await startAndLogOffUsers(h);

    // While the admin reads NOTA BENE 1, a user logs in: nothing stops them yet.
    await waitForStep(page, 'check.release-notes', 'waiting');
    expect(await page.getByTestId('lockout').count()).toBe(0);
    expect(await practice.userLogsIn('Produzione', 'lbianchi')).toMatchObject({ admitted: true });

    // Lockout on, users checked again: found before any backup.
    await driveUntil(h, stepSelector('backup.users-again', 'failed'));
    expect(await step(page, 'backup.lockout-on').getAttribute('data-status')).toBe('passed');
    expect(await step(page, 'backup.files').getAttribute('data-status')).toBe('pending');
    const lockout = page.getByTestId('lockout');
    await lockout.waitFor({ state: 'visible', timeout: WAIT });
    expect(await text(lockout)).toMatch(/^Utenti esclusi dalle \d\d:\d\d \(da < 1 min\)$/);
    const since = (await h.session.handlers.getSession()).run.lockout?.since;
    expect(await lockout.getAttribute('data-since')).toBe(since);

    // Now nobody gets in: the maintenance page (503), and nobody is added.
    const again = step(page, 'backup.users-again');
    await again.getByTestId('practice-log-off-users').click({ timeout: WAIT });
    await expect.poll(() => okCalls(h, 'practiceLogOffUsers'), { timeout: WAIT }).toBe(2);
    expect(await practice.userLogsIn('Produzione', 'lbianchi')).toEqual({ admitted: false, status: 503 });
    await again.getByTestId('retry-step').click({ timeout: WAIT });
    await waitForStep(page, 'backup.users-again', 'passed');

    // Backups, setups, pools started: still locked out when "Aggiorna Database" is due.
    await driveUntil(h, stepSelector('after.db-update:Produzione', 'waiting'));
    expect(await practice.userLogsIn('Formazione', 'gverdi')).toEqual({ admitted: false, status: 503 });
    expect(await lockout.isVisible()).toBe(true);

    // To the end: the header no longer shows it, and the first user who gets in finds every
    // database at the files' version.
    await driveUntil(h, BANNER('finished'));
    await lockout.waitFor({ state: 'detached', timeout: WAIT });
    expect(await practice.userLogsIn('Produzione', 'lbianchi')).toEqual({ admitted: true, status: 200 });
    expect(await schemaVersions()).toEqual([TO_VERSION, TO_VERSION]);
    const steps = (await h.session.handlers.getSession()).steps;
    const off = steps.find((s) => s.id === 'after.lockout-off');
    for (const s of steps.filter((x) => x.id.startsWith('after.db-update:')))
      expect(Date.parse(s.finishedAt ?? ''), s.id).toBeLessThanOrEqual(Date.parse(off?.startedAt ?? ''));
    expect(h.problems()).toEqual([]);
  });

  it('stops on a failed setup (exit code 1603) and rolls the server back to the byte', async () => {
    const h = (harness = await startHarness({ setupFailsWith: 1603 }));
    const { page } = h;
    const mobileDir = path.join(h.serverDir, 'C', 'inetpub', 'wwwroot', 'CRMMobile');

    // Before anything runs: the application folder's hash and every path with its bytes.
    const hashBefore = await treeHash(h.appDir, []);
    const filesBefore = await snapshotTree(h.appDir);
    const mobileHashBefore = await treeHash(mobileDir, []);
    expect([...filesBefore.values()].filter((e) => e.type === 'file').length).toBeGreaterThan(5);

    await openApp(h);
    await startAndLogOffUsers(h);

    await driveUntil(h, stepSelector('upgrade.setup', 'failed'));
    const setup = await waitForStep(page, 'upgrade.setup', 'failed');
    await waitForRunState(page, 'paused');
    const finding = setup.getByTestId('step-finding');
    expect(await finding.isVisible()).toBe(true);
    expect(await text(finding)).toContain('1603');
    expect(await setup.getByTestId('step-remedy').isVisible()).toBe(true);
    expect((await text(setup.getByTestId('step-remedy'))).trim().length).toBeGreaterThan(10);
    expect(await text(page.getByTestId('banner-finding'))).toContain('1603');
    // The setup is an action that changed the server: it may not be skipped.
    expect(await setup.getByTestId('skip-step').count()).toBe(0);
    await setup.scrollIntoViewIfNeeded();
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'setup-failed.png'), fullPage: true });

    const rollback = page.getByTestId('rollback');
    expect(await rollback.isVisible()).toBe(true);
    await rollback.click();
    const confirmation = page.getByTestId('rollback-confirmation');
    await confirmation.waitFor({ state: 'visible', timeout: WAIT });
    await confirmation.getByTestId('rollback-confirm').click();
    await waitForRunState(page, 'rolled-back');
    const panel = page.getByTestId('report-panel');
    await panel.waitFor({ state: 'visible', timeout: WAIT });
    expect(await panel.getAttribute('data-outcome')).toBe('rolled-back');
    await h.session.idle();

    const report = JSON.parse(
      await readFile((await text(page.getByTestId('report-json-path'))).trim(), 'utf8'),
    ) as {
      outcome: string;
      rollback: {
        startedAt: string;
        finishedAt: string;
        undos: {
          stepId: string;
          status: string;
          titleText: { it: string; en: string };
          findingText?: { it: string; en: string };
        }[];
        treeHashMatches: boolean | null;
      } | null;
    };
    expect(report.outcome).toBe('rolled-back');
    // The rollback is the undo of each step that changed the server, newest first, each put back.
    const undone = report.rollback;
    expect(undone?.undos.map((u) => [u.stepId, u.status])).toEqual([
      ['upgrade.setup', 'done'],
      // Issue 15: each database's backup step owns its restore; unchanged, nothing is restored.
      ['backup.db:Formazione', 'done'],
      ['backup.db:Produzione', 'done'],
      ['backup.stop-pool', 'done'],
      ['backup.lockout-on', 'done'],
    ]);
    for (const u of undone?.undos ?? []) {
      expect(u.titleText.it.length, u.stepId).toBeGreaterThan(3);
      expect(u.findingText?.en.length ?? 0, u.stepId).toBeGreaterThan(3);
    }
    expect(undone?.treeHashMatches).toBe(true);
    expect(Date.parse(undone?.finishedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(undone?.startedAt ?? ''));

    // The application folder is back to the byte: same tree hash, same paths, same contents.
    expect(await treeHash(h.appDir, [])).toBe(hashBefore);
    expect(treeDifferences(filesBefore, await snapshotTree(h.appDir))).toEqual([]);
    expect(await treeHash(mobileDir, [])).toBe(mobileHashBefore);

    // IIS serves the CRM again: pool started, no maintenance page anywhere.
    const iis = JSON.parse(await readFile(path.join(h.serverDir, 'iis', 'applicationHost.json'), 'utf8')) as {
      pools: Record<string, { state: string }>;
    };
    expect(iis.pools.CRMAppPool?.state).toBe('started');
    expect(iis.pools.CRMMobilePool?.state).toBe('started');
    expect(existsSync(path.join(h.appDir, 'app_offline.htm'))).toBe(false);
    expect(await findFiles(path.join(h.serverDir, 'C'), 'app_offline.htm')).toEqual([]);

    expect(h.refusals).toEqual([]);
    expect(h.problems()).toEqual([]);
  });

  it('lets the page reach the engine only through the contract', async () => {
    const h = (harness = await startHarness());
    const { page } = h;
    await openApp(h);

    // window.upgrader: exactly the contract's calls plus `on`, frozen, not replaceable.
    const shape = await page.evaluate(() => {
      const api = window.upgrader as unknown as Record<string, unknown>;
      const strayAdded = (() => {
        try {
          api.runPowerShell = () => 'pwned';
        } catch {
          // frozen: strict-mode assignment throws
        }
        return 'runPowerShell' in api;
      })();
      try {
        (window as unknown as { upgrader: unknown }).upgrader = { getSession: () => 'forged' };
      } catch {
        // non-writable
      }
      return {
        keys: Object.keys(api).sort(),
        types: Object.values(api).map((v) => typeof v),
        frozen: Object.isFrozen(api),
        strayAdded,
        replaced: window.upgrader !== (api as unknown),
      };
    });
    expect(shape.keys).toEqual([...CALL_NAMES, 'on'].sort());
    expect(shape.types.every((t) => t === 'function')).toBe(true);
    expect(shape.frozen).toBe(true);
    expect(shape.strayAdded).toBe(false);
    expect(shape.replaced).toBe(false);

    // Bring the engine to a state where skipping check.users would be allowed with a proper reason.
    await page.getByTestId('start-run').click({ timeout: WAIT });
    await waitForStep(page, 'check.users', 'failed');
    await waitForRunState(page, 'paused');
    await h.session.idle();
    const before = await h.session.handlers.getSession();
    expect(before.steps.find((s) => s.id === 'check.users')?.skippable).toBe(true);

    // Every call below runs in the page, as renderer code (or injected script) would.
    const outcomes = await page.evaluate(async () => {
      const api = window.upgrader!;
      const settle = async (p: () => Promise<unknown>): Promise<string> => {
        try {
          await p();
          return 'resolved';
        } catch (error) {
          return `rejected: ${error instanceof Error ? error.message : String(error)}`;
        }
      };
      const raw = window.__upgraderInvoke!;
      return {
        shortReason: await settle(() => api.skipStep('check.users', 'x')),
        controlChars: await settle(() => api.skipStep('check.users', 'because\u0007bell')),
        badStepId: await settle(() => api.skipStep('check.users; del *' as never, 'a long enough reason')),
        badConnection: await settle(() => api.practicePressAggiornaDatabase('../../sql')),
        extraArgument: await settle(() =>
          (api.retryStep as (...a: unknown[]) => Promise<unknown>)('check.users', 'more'),
        ),
        unknownCall: await settle(() => raw('runPowerShell', ['Get-Process'])),
        channelName: await settle(() => raw('upgrader:call:startRun', [])),
        argsNotAList: await settle(() => raw('startRun', 'x' as never)),
        unknownEvent: (() => {
          try {
            api.on('shell' as never, () => undefined);
            return 'subscribed';
          } catch (error) {
            return `threw: ${error instanceof Error ? error.message : String(error)}`;
          }
        })(),
      };
    });
    expect(outcomes.shortReason).toMatch(/^rejected: .*"skipStep" refused: invalid arguments/);
    expect(outcomes.controlChars).toMatch(/^rejected: .*"skipStep" refused: invalid arguments/);
    expect(outcomes.badStepId).toMatch(/^rejected: .*"skipStep" refused: invalid arguments/);
    expect(outcomes.badConnection).toMatch(
      /^rejected: .*"practicePressAggiornaDatabase" refused: invalid arguments/,
    );
    expect(outcomes.extraArgument).toMatch(/^rejected: .*"retryStep" refused: invalid arguments/);
    expect(outcomes.unknownCall).toMatch(/^rejected: .*refused: unknown call/);
    expect(outcomes.channelName).toMatch(/^rejected: .*refused: unknown call/);
    expect(outcomes.argsNotAList).toMatch(/^rejected: .*refused: invalid arguments/);
    expect(outcomes.unknownEvent).toMatch(/^threw: upgrader\.on: unknown event/);
    expect(h.refusals).toEqual([
      expect.stringMatching(/^skipStep: invalid arguments: 1 too_small/),
      expect.stringMatching(/^skipStep: invalid arguments: 1 custom/),
      // A step id is checked by its own predicate (a typed StepId), hence "custom".
      expect.stringMatching(/^skipStep: invalid arguments: 0 custom/),
      expect.stringMatching(/^practicePressAggiornaDatabase: invalid arguments/),
      expect.stringMatching(/^retryStep: invalid arguments/),
      'runPowerShell: unknown call',
      'upgrader:call:startRun: unknown call',
      'startRun: arguments are not a list',
    ]);

    // Nothing reached the engine: same session, check.users still failed and not skipped.
    await h.session.idle();
    expect(await h.session.handlers.getSession()).toEqual(before);
    const users = step(page, 'check.users');
    expect(await users.getAttribute('data-status')).toBe('failed');
    expect(await users.getByTestId('step-skip-reason').count()).toBe(0);
    expect(await page.getByTestId('run-banner').getAttribute('data-run-state')).toBe('paused');

    // The same call with a proper reason goes through the same door and is accepted.
    const ok = await page.evaluate(() =>
      window.upgrader!.skipStep('check.users', 'utente avvisato, esce da solo'),
    );
    expect(ok).toEqual({ ok: true });
    await waitForStep(page, 'check.users', 'skipped');

    expect(h.problems()).toEqual([]);
  });

  it("serves the renderer with the app's CSP, nothing outside it, and reports CSP violations", async () => {
    const h = (harness = await startHarness());
    const { page } = h;

    const index = await rawGet(h.origin, '/index.html');
    expect(index.status).toBe(200);
    expect(index.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    const asset = /src="\.\/(assets\/[^"]+\.js)"/.exec(index.body)?.[1];
    expect(asset).toBeDefined();
    const script = await rawGet(h.origin, `/${asset}`);
    expect(script.status).toBe(200);
    expect(script.headers['content-security-policy']).toBe(CONTENT_SECURITY_POLICY);
    for (const escape of [
      '/../package.json',
      '/../../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/assets/..%2f..%2fpackage.json',
      '/..%5cpackage.json',
      '//etc/passwd',
      '/%00index.html',
      '@example.com/index.html',
    ]) {
      const answer = await rawGet(h.origin, escape);
      expect(answer.status, escape).toBeGreaterThanOrEqual(400);
      expect(answer.body, escape).not.toContain('crm-upgrade-manager');
      // (A request target that is not a path is refused by Node's HTTP parser before the handler.)
      if (escape.startsWith('/')) {
        expect(answer.headers['content-security-policy'], escape).toBe(CONTENT_SECURITY_POLICY);
      }
    }

    await openApp(h);
    expect(h.problems()).toEqual([]);
    // What the "no console errors" assertions rely on: a CSP violation shows up as one.
    const ran = await page.evaluate(async () => {
      const w = window as unknown as { __inlineRan?: boolean };
      const tag = document.createElement('script');
      tag.textContent = 'window.__inlineRan = true;';
      document.body.append(tag);
      // From a page task, not from the evaluation itself (DevTools' own evaluations may use eval).
      const evalRan = await new Promise<boolean>((resolve) =>
        setTimeout(() => {
          try {
            resolve((0, eval)('true') as boolean);
          } catch {
            resolve(false); // EvalError: refused by script-src 'self'
          }
        }),
      );
      return { inline: w.__inlineRan === true, eval: evalRan };
    });
    expect(ran).toEqual({ inline: false, eval: false });
    await expect
      .poll(() => h.consoleErrors.filter((e) => /Content Security Policy/i.test(e)).length, { timeout: WAIT })
      .toBeGreaterThanOrEqual(1);
    expect(h.pageErrors).toEqual([]);
  });
});
