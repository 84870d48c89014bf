/**
 * The moves an admin makes in the window, shared by the e2e tests: finding a step, reading a
 * text, waiting for a state, confirming manual steps, getting past check.users.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { Harness } from './harness';

/** Generous, finite: every wait in these tests uses it; nothing sleeps for a fixed time. */
export const WAIT = 60_000;

export const stepSelector = (id: string, status?: string): string =>
  `[data-testid="step"][data-step-id="${id}"]${status ? `[data-status="${status}"]` : ''}`;

export const step = (page: Page, id: string): Locator => page.locator(stepSelector(id));

export const BANNER = (state: string): string => `[data-testid="run-banner"][data-run-state="${state}"]`;

/** How many times the window's call `name` reached the engine and succeeded. */
export const okCalls = (h: Harness, name: string): number =>
  h.calls.filter((c) => c.name === name && c.outcome === 'ok').length;

/** The element's text as written (innerText would apply CSS text-transform). */
export async function text(locator: Locator): Promise<string> {
  return (await locator.textContent({ timeout: WAIT })) ?? '';
}

export async function waitForStep(page: Page, id: string, status: string): Promise<Locator> {
  const row = page.locator(stepSelector(id, status));
  await row.waitFor({ state: 'visible', timeout: WAIT });
  return row;
}

export async function waitForRunState(page: Page, ...states: string[]): Promise<string> {
  await page.locator(states.map(BANNER).join(', ')).waitFor({ state: 'visible', timeout: WAIT });
  return (await page.getByTestId('run-banner').getAttribute('data-run-state')) ?? '';
}

export async function waitForLanguage(page: Page, language: 'it' | 'en'): Promise<void> {
  await page.locator(`[data-testid="app"][data-language="${language}"]`).waitFor({ timeout: WAIT });
  await page.waitForFunction((lang) => document.documentElement.lang === lang, language, { timeout: WAIT });
}

export async function openApp(h: Harness): Promise<void> {
  await h.page.goto(h.url, { waitUntil: 'load', timeout: WAIT });
  await waitForRunState(h.page, 'ready');
  await waitForLanguage(h.page, 'it');
}

/** Start, then get past check.users the way an admin would on the practice server. */
export async function startAndLogOffUsers(
  h: Harness,
  onUsersFailed?: (row: Locator) => Promise<void>,
): Promise<void> {
  const { page } = h;
  await page.getByTestId('start-run').click({ timeout: WAIT });
  const users = await waitForStep(page, 'check.users', 'failed');
  await waitForRunState(page, 'paused');
  await onUsersFailed?.(users);
  const before = okCalls(h, 'practiceLogOffUsers');
  await users.getByTestId('practice-log-off-users').click({ timeout: WAIT });
  await expect.poll(() => okCalls(h, 'practiceLogOffUsers'), { timeout: WAIT }).toBe(before + 1);
  await users.getByTestId('retry-step').click({ timeout: WAIT });
  await waitForStep(page, 'check.users', 'passed');
}

/**
 * What an admin does at a manual step that waits: reads the instructions, on the practice server
 * presses the CRM's "Aggiorna Database" for a database step (the practice button), then confirms.
 */
export async function confirmWaitingStep(h: Harness): Promise<string> {
  const { page } = h;
  const row = page.locator('[data-testid="step"][data-status="waiting"]');
  const id = (await row.getAttribute('data-step-id', { timeout: WAIT })) ?? '';
  expect(await row.getAttribute('data-kind'), id).toBe('manual');
  expect(await row.getByTestId('step-instructions').isVisible(), id).toBe(true);
  if (id.startsWith('after.db-update:')) {
    const connection = id.slice('after.db-update:'.length);
    const button = row.getByTestId('practice-aggiorna-database');
    expect(await button.getAttribute('data-connection-id')).toBe(connection);
    const before = okCalls(h, 'practicePressAggiornaDatabase');
    await button.click({ timeout: WAIT });
    await expect.poll(() => okCalls(h, 'practicePressAggiornaDatabase'), { timeout: WAIT }).toBe(before + 1);
  } else {
    expect(await row.getByTestId('practice-actions').count(), id).toBe(0);
  }
  await row.getByTestId('confirm-step').click({ timeout: WAIT });
  await page.locator(`${stepSelector(id)}:not([data-status="waiting"])`).waitFor({ timeout: WAIT });
  return id;
}

/**
 * Lets the run go on, confirming every manual step that waits, until `until` (a selector) shows.
 * Any other stop (a failure, the end, a rollback) before that fails the test. Returns the
 * confirmed steps in order.
 */
export async function driveUntil(h: Harness, until: string): Promise<string[]> {
  const { page } = h;
  const confirmed: string[] = [];
  const stops = ['paused', 'finished', 'rolled-back'].map(BANNER).join(', ');
  for (let round = 0; round < 30; round++) {
    await page
      .locator(`${until}, ${BANNER('waiting')}, ${stops}`)
      .first()
      .waitFor({ state: 'visible', timeout: WAIT });
    if ((await page.locator(until).count()) > 0) return confirmed;
    if ((await page.locator(BANNER('waiting')).count()) > 0) {
      confirmed.push(await confirmWaitingStep(h));
      continue;
    }
    const state = await page.getByTestId('run-banner').getAttribute('data-run-state');
    const failed = await page
      .locator('[data-testid="step"][data-status="failed"]')
      .evaluateAll((rows) => rows.map((r) => `${r.getAttribute('data-step-id')}: ${r.textContent}`));
    throw new Error(`the run stopped (${state}) before ${until}; failed: ${failed.join(' | ') || 'none'}`);
  }
  throw new Error(`too many manual steps before ${until}`);
}
