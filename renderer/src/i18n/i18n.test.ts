import { describe, expect, it } from 'vitest';
import { engineCatalog } from '../../../electron/shared/i18n';
import type { MessageKey } from '../../../electron/shared/message';
import { standInMessage } from '../testing/fixtures';
import { PHASE_ORDER, RUN_STATES, STEP_STATUSES } from '../logic/steps';
import { createI18n, translateMessage, uiCatalog } from './index';

/** Every renderer source (tests excluded), as text. */
const SOURCES = import.meta.glob<string>(
  ['../**/*.ts', '../**/*.tsx', '!../**/*.test.ts', '!../**/*.test.tsx'],
  {
    query: '?raw',
    import: 'default',
    eager: true,
  },
);

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();

describe('ui catalogues', () => {
  it('have the same keys in Italian and English', () => {
    expect(Object.keys(uiCatalog.en).sort()).toEqual(Object.keys(uiCatalog.it).sort());
  });

  it('have no empty strings and the same {{placeholders}} in both languages', () => {
    for (const [key, it] of Object.entries(uiCatalog.it)) {
      const en = uiCatalog.en[key as keyof typeof uiCatalog.en];
      expect(it.trim(), key).not.toBe('');
      expect(en.trim(), key).not.toBe('');
      expect(placeholders(en), key).toEqual(placeholders(it));
    }
  });

  it('hold every literal ui key the sources use', () => {
    const used = new Set<string>();
    expect(Object.keys(SOURCES).length).toBeGreaterThan(10);
    for (const text of Object.values(SOURCES)) {
      for (const m of text.matchAll(/['"`](ui\.[a-zA-Z0-9.-]+)['"`]/g)) used.add(m[1] as string);
    }
    expect(used.size).toBeGreaterThan(30);
    const missing = [...used].filter((k) => !(k in uiCatalog.it));
    expect(missing).toEqual([]);
  });

  it('hold every key the sources build from a status, phase, run state, kind, outcome or level', () => {
    const built = [
      ...STEP_STATUSES.map((s) => `ui.status.${s}`),
      ...PHASE_ORDER.map((p) => `ui.phase.${p}`),
      ...RUN_STATES.flatMap((s) => [
        `ui.run.${s}.title`,
        ...(s === 'paused' || s === 'waiting' ? [] : [`ui.run.${s}.body`]),
      ]),
      ...['check', 'action', 'manual'].map((k) => `ui.kind.${k}`),
      ...['upgraded', 'rolled-back', 'failed'].map((o) => `ui.report.outcome.${o}`),
      ...['info', 'warn', 'error'].map((l) => `ui.log.level.${l}`),
      ...['tooShort', 'tooLong', 'badChars'].map((p) => `ui.skip.${p}`),
    ];
    expect(built.filter((k) => !(k in uiCatalog.it))).toEqual([]);
  });

  it('keep the labels of the brief and of the CRM verbatim', () => {
    expect(uiCatalog.it['ui.action.start']).toBe('Avvia aggiornamento');
    expect(uiCatalog.en['ui.action.start']).toBe('Start upgrade');
    expect(uiCatalog.it['ui.action.continue']).toBe('Continua');
    expect(uiCatalog.en['ui.action.continue']).toBe('Continue');
    expect(uiCatalog.it['ui.action.retry']).toBe('Riprova');
    expect(uiCatalog.it['ui.action.skip']).toBe('Salta con motivo…');
    expect(uiCatalog.it['ui.action.confirm']).toBe('Confermo');
    expect(uiCatalog.it['ui.action.rollback']).toBe('Ripristina (rollback)');
    expect(uiCatalog.it['ui.practice.logOffUsers']).toBe('Disconnetti gli utenti (server di prova)');
    expect(uiCatalog.it['ui.practice.pressAggiornaDatabase']).toBe(
      'Premi «Aggiorna Database» (server di prova)',
    );
    expect(uiCatalog.en['ui.practice.pressAggiornaDatabase']).toContain('«Aggiorna Database»');
  });
});

describe('createI18n', () => {
  it('starts in Italian, switches to English, and uses flat keys', async () => {
    const i18n = createI18n();
    expect(i18n.language).toBe('it');
    expect(i18n.t('ui.action.start', { ns: 'ui' })).toBe('Avvia aggiornamento');
    await i18n.changeLanguage('en');
    expect(i18n.t('ui.action.start', { ns: 'ui' })).toBe('Start upgrade');
  });

  it('translates engine Messages in the engine namespace, with params', () => {
    const i18n = createI18n('it');
    i18n.addResource('it', 'engine', 'test.only.users', 'Utenti connessi: {{count}} su «{{connection}}»');
    expect(
      translateMessage(i18n.t, standInMessage('test.only.users', { count: 3, connection: 'CRM:main' })),
    ).toBe('Utenti connessi: 3 su «CRM:main»');
    // Whatever keys the engine's catalogue holds, they are found without a namespace prefix.
    for (const [key, text] of (Object.entries(engineCatalog.it) as [MessageKey, string][]).slice(0, 5)) {
      if (!text.includes('{{')) expect(translateMessage(i18n.t, { key })).toBe(text);
    }
  });

  it("finds the renderer's own Messages too, and shows an unknown key as itself", () => {
    const i18n = createI18n('en');
    expect(translateMessage(i18n.t, { key: 'ui.error.call', params: { detail: 'boom' } })).toBe(
      'The engine did not answer the request: boom',
    );
    // The wire refuses an unknown key; should one reach the window, it shows as itself.
    expect(translateMessage(i18n.t, standInMessage('no.such.key'))).toBe('no.such.key');
  });
});
