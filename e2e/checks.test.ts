import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { openPracticeHost } from '../electron/host/practice/index';
import { paths, readJson, serverFileSchema, writeJsonAtomic } from '../electron/host/practice/layout';
import { ARTIFACTS_DIR, type Harness, startHarness } from './harness';

const WAIT = 60_000;
let h: Harness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const row = (page: Page, id: string) => page.locator(`[data-testid="step"][data-step-id="${id}"]`);

/** A server that fails most checks at once: the admin must be able to read each, in both languages. */
async function brokenServer(serverDir: string): Promise<void> {
  const file = paths(serverDir).server;
  await writeJsonAtomic(file, {
    ...(await readJson(file, serverFileSchema)),
    elevated: false,
    freeBytes: 1024,
    pendingReboot: ['PendingFileRenameOperations'],
    iis: { installed: true, version: '10.0', w3svc: 'stopped' },
  });
}

describe('pre-flight checks in the UI', () => {
  it('every failing check says why and what to do, in Italian and in English', async () => {
    h = await startHarness({ init: { modules: '3, 7' }, prepare: brokenServer });
    const { page } = h;
    await page.goto(h.url, { waitUntil: 'load', timeout: WAIT });
    await page.getByTestId('start-run').click({ timeout: WAIT });
    await page.locator('[data-testid="run-banner"][data-run-state="paused"]').waitFor({ timeout: WAIT });

    const failing = ['check.elevation', 'check.iis', 'check.licence', 'check.users', 'check.disk'];
    const texts: Record<string, { it: string; en: string }> = {};
    for (const id of failing) {
      const r = row(page, id);
      expect(await r.getAttribute('data-status'), id).toBe('failed');
      texts[id] = { it: (await r.getByTestId('step-remedy').textContent()) ?? '', en: '' };
    }
    expect(await row(page, 'check.reboot').getAttribute('data-status')).toBe('warning');
    // Nothing past the checks has run.
    expect(
      await page.locator('[data-testid="phase-backup"] [data-status="pending"]').count(),
    ).toBeGreaterThan(0);
    expect(
      await page.locator('[data-testid="phase-backup"] [data-status]:not([data-status="pending"])').count(),
    ).toBe(0);
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'checks-failing-it.png'), fullPage: true });

    await page.getByTestId('language-toggle').click();
    await page.locator('[data-testid="app"][data-language="en"]').waitFor({ timeout: WAIT });
    for (const id of failing) {
      const en = (await row(page, id).getByTestId('step-remedy').textContent()) ?? '';
      expect(en.length, id).toBeGreaterThan(20);
      expect(en, id).not.toBe(texts[id]?.it);
      // No untranslated key shows through.
      expect(en, id).not.toMatch(/\b[a-z]+\.[a-z-]+\.[a-z-]+\b/);
    }
    expect(await row(page, 'check.licence').getByTestId('step-finding').textContent()).toContain(
      'Module "0" is missing',
    );
    await page.screenshot({ path: path.join(ARTIFACTS_DIR, 'checks-failing-en.png'), fullPage: true });
    expect(h.problems()).toEqual([]);
  });

  it('waits with live refresh until the last user has logged off', async () => {
    h = await startHarness();
    const { page } = h;
    await page.goto(h.url, { waitUntil: 'load', timeout: WAIT });
    await page.getByTestId('start-run').click({ timeout: WAIT });
    await row(page, 'check.users').and(page.locator('[data-status="failed"]')).waitFor({ timeout: WAIT });
    const retries = () => h?.calls.filter((c) => c.name === 'retryStep').length ?? 0;
    expect(retries()).toBe(0);
    await row(page, 'check.users').getByTestId('wait-for-users').click();
    // The user logs off in their own CRM, not through this UI.
    await (await openPracticeHost(h.serverDir)).practice?.logOffAllUsers();
    // Nobody presses Retry: the check runs again by itself and passes once the user has gone.
    await row(page, 'check.users').and(page.locator('[data-status="passed"]')).waitFor({ timeout: WAIT });
    expect(retries()).toBeGreaterThanOrEqual(1);
    expect(h.problems()).toEqual([]);
  });
});
