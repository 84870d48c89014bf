import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../core/steps/checks';
import { PHASES, stepStatusSchema } from '../plan';
import { en } from './en';
import { engineCatalog, remedyOf } from './index';
import { isMessageKey, messageSchema, msg } from '../message';
import { it as itCatalog } from './it';

const catalogs = { it: itCatalog, en } as const;

const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]))].sort();

describe('the engine catalogues', () => {
  it('are the ones index.ts exports', () => {
    expect(engineCatalog.it).toBe(itCatalog);
    expect(engineCatalog.en).toBe(en);
  });

  it('have identical key sets', () => {
    const itKeys = Object.keys(itCatalog).sort();
    const enKeys = Object.keys(en).sort();
    expect(itKeys.length).toBeGreaterThan(50);
    expect(itKeys.filter((k) => !(k in en))).toEqual([]);
    expect(enKeys.filter((k) => !(k in itCatalog))).toEqual([]);
    expect(enKeys).toEqual(itKeys);
  });

  it('have the same {{placeholders}} for every key', () => {
    const mismatches = Object.keys(itCatalog)
      .filter((k) => k in en)
      .filter(
        (k) =>
          placeholders(itCatalog[k as keyof typeof itCatalog]).join(',') !==
          placeholders(en[k as keyof typeof en]).join(','),
      )
      .map(
        (k) =>
          `${k}: it {${placeholders(itCatalog[k as keyof typeof itCatalog]).join(',')}} en {${placeholders(en[k as keyof typeof en]).join(',')}}`,
      );
    expect(mismatches).toEqual([]);
  });

  it('have no empty or blank strings, and no broken placeholder braces', () => {
    for (const [lang, catalog] of Object.entries(catalogs)) {
      for (const [key, text] of Object.entries(catalog)) {
        expect(typeof text, `${lang} ${key}`).toBe('string');
        expect(text.trim(), `${lang} ${key}`).not.toBe('');
        const opened = (text.match(/\{\{/g) ?? []).length;
        const closed = (text.match(/\}\}/g) ?? []).length;
        expect(closed, `${lang} ${key}: unbalanced {{ }}`).toBe(opened);
      }
    }
  });

  it.each(['Aggiorna Database', 'Elenco Utenti Connessi', 'Informazioni su'])(
    'keep the CRM label "%s" verbatim in both languages wherever it appears',
    (label) => {
      const count = (text: string, needle: string, flags: string) =>
        (text.match(new RegExp(needle.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags)) ?? []).length;
      const keysWith = (catalog: Record<string, string>) =>
        Object.keys(catalog).filter((k) => catalog[k]!.includes(label));
      // The label is used at all, in both languages.
      expect(keysWith(itCatalog).length).toBeGreaterThan(0);
      expect(keysWith(en).length).toBeGreaterThan(0);
      for (const [key, itText] of Object.entries(itCatalog)) {
        const enText = (en as Record<string, string>)[key] ?? '';
        // Same number of verbatim occurrences in both languages.
        expect(count(enText, label, 'g'), `${key}: "${label}" in en vs it`).toBe(count(itText, label, 'g'));
        // No variant in another case ("Aggiorna database", "ELENCO UTENTI CONNESSI").
        expect(count(itText, label, 'gi'), `${key} (it): "${label}" in another case`).toBe(
          count(itText, label, 'g'),
        );
        expect(count(enText, label, 'gi'), `${key} (en): "${label}" in another case`).toBe(
          count(enText, label, 'g'),
        );
      }
    },
  );
});

describe("message keys are the catalogue's own, checked by the compiler", () => {
  it('msg() takes only keys of the catalogue (the @ts-expect-error lines fail typecheck if it took any string)', () => {
    // @ts-expect-error -- not a key of the catalogue
    const unknown = msg('engine.no-such-key');
    // @ts-expect-error -- a typo of 'engine.busy'
    const typo = msg('engine.bussy');
    expect([unknown.key, typo.key].filter(isMessageKey)).toEqual([]);
    expect(isMessageKey('engine.busy')).toBe(true);
  });

  it('the wire refuses a message whose key is not in the catalogue', () => {
    expect(messageSchema.safeParse({ key: 'engine.busy' }).success).toBe(true);
    expect(messageSchema.safeParse({ key: 'engine.no-such-key' }).success).toBe(false);
  });

  it('remedies come from one place: the message key with .remedy, when the catalogue has it', () => {
    expect(remedyOf(msg('backup.files.failed', { zip: 'z' }))).toEqual(
      msg('backup.files.failed.remedy', { zip: 'z' }),
    );
    expect(remedyOf(msg('engine.busy'))).toBeNull();
  });

  it('step.<id>.title for every check in CHECKS', () => {
    expect(CHECKS.length).toBeGreaterThan(5);
    for (const def of CHECKS) expect(def.title.key).toBe(`step.${def.id}.title`);
  });

  it('phase.* for every phase and status.* for every step status', () => {
    expect([...PHASES]).toEqual(['checks', 'backup', 'upgrade', 'after', 'report']);
    const keys = [...PHASES.map((p) => `phase.${p}`), ...stepStatusSchema.options.map((s) => `status.${s}`)];
    expect(keys.filter((k) => !isMessageKey(k))).toEqual([]);
  });
});
