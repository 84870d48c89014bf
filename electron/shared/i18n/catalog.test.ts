import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CHECKS } from '../../core/steps/checks';
import { PHASES, stepStatusSchema } from '../plan';
import { en } from './en';
import { engineCatalog } from './index';
import { it as itCatalog } from './it';

const ELECTRON = fileURLToPath(new URL('../../', import.meta.url));
const catalogs = { it: itCatalog, en } as const;

const placeholders = (text: string) =>
  [...new Set([...text.matchAll(/\{\{\s*([^}\s]+)\s*\}\}/g)].map((m) => m[1]))].sort();

/** Every non-test TypeScript source under electron/, as [relative path, text]. */
function sources(): [string, string][] {
  return readdirSync(ELECTRON, { recursive: true, encoding: 'utf8' })
    .filter(
      (f) => /\.m?ts$/.test(f) && !/\.test\.m?ts$/.test(f) && !f.split(path.sep).includes('node_modules'),
    )
    .map((f) => [f.split(path.sep).join('/'), readFileSync(path.join(ELECTRON, f), 'utf8')]);
}

const literal = `(['"])([a-z][A-Za-z0-9_.-]*)\\1`;

/** The message keys the source names literally, each with where it was found. */
function usedKeys(): { key: string; where: string }[] {
  const out: { key: string; where: string }[] = [];
  const add = (key: string, where: string) => out.push({ key, where });
  for (const [file, text] of sources()) {
    for (const m of text.matchAll(new RegExp(`\\bmsg\\(\\s*${literal}`, 'g')))
      add(m[2]!, `${file}: msg('${m[2]}')`);
    // msg(condition ? 'a' : 'b', …)
    for (const m of text.matchAll(
      new RegExp(`\\bmsg\\(\\s*[^,()'"\`]+\\?\\s*${literal}\\s*:\\s*(['"])([a-z][A-Za-z0-9_.-]*)\\3`, 'g'),
    )) {
      add(m[2]!, `${file}: msg(… ? '${m[2]}' : …)`);
      add(m[4]!, `${file}: msg(… : '${m[4]}')`);
    }
    if (file === 'core/steps/checks.ts') {
      for (const m of text.matchAll(new RegExp(`\\bfailed\\(\\s*${literal}`, 'g'))) {
        add(`${m[2]}.finding`, `${file}: failed('${m[2]}')`);
        add(`${m[2]}.remedy`, `${file}: failed('${m[2]}')`);
      }
    }
    if (file === 'core/run/engine.ts') {
      for (const m of text.matchAll(new RegExp(`\\brefuse\\(\\s*${literal}`, 'g')))
        add(m[2]!, `${file}: refuse('${m[2]}')`);
    }
    if (file === 'core/steps/backup.ts') {
      for (const m of text.matchAll(new RegExp(`\\basFailure\\(\\s*\\w+\\s*,\\s*${literal}`, 'g'))) {
        add(m[2]!, `${file}: asFailure(…, '${m[2]}')`);
        add(`${m[2]}.remedy`, `${file}: asFailure(…, '${m[2]}')`);
      }
    }
    if (file === 'shared/version-name.ts') {
      for (const m of text.matchAll(new RegExp(`\\binvalid\\(\\s*\\w+\\s*,\\s*${literal}`, 'g')))
        add(`version.invalid.${m[2]}`, `${file}: invalid(…, '${m[2]}')`);
    }
  }
  return out;
}

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
      .filter((k) => placeholders(itCatalog[k]!).join(',') !== placeholders(en[k]!).join(','))
      .map(
        (k) => `${k}: it {${placeholders(itCatalog[k]!).join(',')}} en {${placeholders(en[k]!).join(',')}}`,
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
      for (const key of Object.keys(itCatalog)) {
        const itText = itCatalog[key]!;
        const enText = en[key] ?? '';
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

describe('every message key the source uses exists', () => {
  const used = usedKeys();

  it('the scan finds the keys of each kind of call', () => {
    const wheres = used.map((u) => u.where);
    for (const kind of ["msg('", "failed('", "refuse('", 'asFailure(', 'invalid(', 'msg(… ?']) {
      expect(
        wheres.some((w) => w.includes(kind)),
        kind,
      ).toBe(true);
    }
    expect(new Set(used.map((u) => u.key)).size).toBeGreaterThan(60);
  });

  it.each(['it', 'en'] as const)('in %s', (lang) => {
    const catalog = catalogs[lang];
    const missing = used.filter((u) => !(u.key in catalog)).map((u) => `${u.key}  ← ${u.where}`);
    expect([...new Set(missing)]).toEqual([]);
  });

  it('step.<id>.title for every check in CHECKS', () => {
    expect(CHECKS.length).toBeGreaterThan(5);
    for (const def of CHECKS) {
      const key = `step.${def.id}.title`;
      expect(def.title.key).toBe(key);
      expect(itCatalog[key], `it ${key}`).toBeTypeOf('string');
      expect(en[key], `en ${key}`).toBeTypeOf('string');
    }
  });

  it('phase.* for every phase and status.* for every step status', () => {
    expect([...PHASES]).toEqual(['checks', 'backup', 'upgrade', 'after', 'report']);
    const keys = [...PHASES.map((p) => `phase.${p}`), ...stepStatusSchema.options.map((s) => `status.${s}`)];
    expect(keys).toHaveLength(12);
    for (const key of keys) {
      expect(itCatalog[key], `it ${key}`).toBeTypeOf('string');
      expect(en[key], `en ${key}`).toBeTypeOf('string');
    }
  });
});
