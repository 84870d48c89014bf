import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type FarmStatus, farmStatusSchema } from '../../shared/farm';
import { NEW, OLD, dbBackup, finishedEntry, ledgerEntry, ledgerOf } from '../../testing/farm-ledger';
import { farmStatus } from '../farm/status';
import { renderFarmSection, writeFarmReport } from './farm-report';

/** Issue 15: the farm's report on the kit, beside each server's, in Italian and English. */

let kit = '';
beforeEach(async () => {
  kit = await mkdtemp(path.join(tmpdir(), 'farm-report-'));
});
afterEach(() => rm(kit, { recursive: true, force: true }));

/** Mid-farm: CRM-APP01 waits for the farm, CRM-APP02 took the backups and updated Produzione. */
const midFarm = (): FarmStatus =>
  farmStatus({
    kitVersion: NEW,
    ledger: ledgerOf([
      ledgerEntry('CRM-APP01'),
      finishedEntry('CRM-APP02', {
        backups: [
          dbBackup('CRM-APP02'),
          dbBackup('CRM-APP02', { connection: 'Formazione', database: 'CRM_FORM' }),
        ],
        updates: [{ connection: 'Produzione', database: 'CRM_PROD', at: '2026-11-27T10:20:00.000Z' }],
        databases: [
          { connection: 'Produzione', database: 'CRM_PROD', version: NEW, at: '2026-11-27T10:30:00.000Z' },
          { connection: 'Formazione', database: 'CRM_FORM', version: OLD, at: '2026-11-27T10:30:00.000Z' },
        ],
      }),
    ]),
    members: [{ hostname: 'CRM-APP01', sources: ['this'] }],
    now: new Date('2026-11-27T12:00:00.000Z'),
  });

/** The text of one table row whose header cell names `what`. */
const row = (html: string, what: string) =>
  html
    .split('\n')
    .find((l) => l.startsWith(`<tr><th scope="row">${what}`))
    ?.replace(/<[^>]+>/g, '|')
    .replace(/\|+/g, '|');

describe('renderFarmSection', () => {
  it('lists each server and each connection, and translates the next step, in Italian', () => {
    const html = renderFarmSection(midFarm(), 'it');
    expect(row(html, 'CRM-APP01')).toBe(
      `|CRM-APP01 |(questo server)|${OLD}|bloccati|fermi|in attesa|backup.db:Produzione (in attesa della farm)|`,
    );
    expect(row(html, 'CRM-APP02')).toBe(`|CRM-APP02|${NEW}|ammessi|avviati|terminato|`);
    expect(row(html, 'Produzione')).toBe(`|Produzione|CRM_PROD|${NEW}|CRM-APP02|CRM-APP02|-|`);
    expect(row(html, 'Formazione')).toBe(`|Formazione|CRM_FORM|${OLD}|CRM-APP02|-|-|`);
    expect(html).toContain(
      '<p><b>Prossimo passo:</b> Su CRM-APP01: premi Ricontrolla; l’esecuzione lì aspetta la farm',
    );
    expect(html).not.toContain('farm.next.');
    expect(html).not.toContain('Farm completata');
  });

  it('in English', () => {
    const html = renderFarmSection(midFarm(), 'en');
    expect(row(html, 'CRM-APP01')).toContain('(this server)');
    expect(row(html, 'CRM-APP02')).toBe(`|CRM-APP02|${NEW}|admitted|started|finished|`);
    expect(html).toContain('<p><b>Next step:</b> On CRM-APP01: press Check again');
    expect(html).toContain('<th scope="col">Backed up by</th>');
  });

  it('says a complete farm, a rollback, and the servers to roll back', () => {
    const done = farmStatus({
      kitVersion: NEW,
      ledger: ledgerOf([finishedEntry('CRM-APP01')]),
      members: [],
    });
    expect(renderFarmSection(done, 'it')).toContain('<p class="outcome">Farm completata</p>');
    const back = farmStatus({
      kitVersion: NEW,
      ledger: ledgerOf([
        ledgerEntry('CRM-APP01', { rollbackBegun: true, runState: 'paused' }),
        finishedEntry('CRM-APP02'),
      ]),
      members: [],
    });
    const html = renderFarmSection(back, 'en');
    expect(html).toContain('<p class="outcome">Farm rollback under way</p>');
    expect(row(html, 'CRM-APP02')).toContain('(to roll back)');
    expect(html).toContain(`On CRM-APP02: «Roll back to ${OLD}»`);
  });

  it('escapes what came from the kit: a hostname, a database, a ledger problem', () => {
    const farm = midFarm();
    const evil = '<script>alert(1)</script>';
    const tampered: FarmStatus = {
      ...farm,
      servers: farm.servers.map((s, i) => (i === 1 ? { ...s, hostname: evil, codeVersion: '"&' } : s)),
      connections: farm.connections.map((c) => ({ ...c, database: `<img src=x onerror=alert(1)>` })),
      next: { server: evil, message: { key: 'farm.next.start', params: { server: evil } } },
      problems: [{ key: 'farm.ledger.misfiled', params: { file: 'x.json', hostname: evil } }],
    };
    for (const lang of ['it', 'en'] as const) {
      const html = renderFarmSection(tampered, lang);
      expect(html).not.toContain('<script');
      expect(html).not.toContain('<img');
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&quot;&amp;');
      expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    }
  });
});

describe('writeFarmReport', () => {
  it('writes the Italian and English pages and the JSON on the kit, the JSON as farmStatusSchema reads it', async () => {
    const farm = midFarm();
    const written = await writeFarmReport(kit, farm);
    const reports = path.join(kit, 'reports');
    expect(written).toEqual({
      html: path.join(reports, 'farm-report.html'),
      json: path.join(reports, 'farm-report.json'),
    });
    expect((await readdir(reports)).sort()).toEqual([
      'farm-report.en.html',
      'farm-report.html',
      'farm-report.json',
    ]);
    const it_ = await readFile(written.html, 'utf8');
    expect(it_).toContain('<html lang="it">');
    expect(it_).toContain('<title>Farm: server e database</title>');
    expect(it_).toContain('Prossimo passo');
    const en = await readFile(path.join(reports, 'farm-report.en.html'), 'utf8');
    expect(en).toContain('<html lang="en">');
    expect(en).toContain('<title>Farm: servers and databases</title>');
    expect(en).toContain('Next step');
    for (const page of [it_, en]) {
      expect(page).toContain('CRM-APP01');
      expect(page).toContain('CRM-APP02');
      expect(page).toContain('<th scope="row">Produzione</th>');
      expect(page).toContain('<th scope="row">Formazione</th>');
      // No script runs in a report opened from the stick.
      expect(page).toContain("default-src 'none'");
    }
    const json = JSON.parse(await readFile(written.json, 'utf8')) as { format?: unknown };
    expect(json.format).toBe(1);
    expect(farmStatusSchema.parse(json)).toEqual(farm);
  });

  it('replaces the previous report', async () => {
    await writeFarmReport(kit, midFarm());
    const done = farmStatus({ kitVersion: NEW, ledger: ledgerOf([finishedEntry('CRM-APP01')]), members: [] });
    await writeFarmReport(kit, done);
    const page = await readFile(path.join(kit, 'reports', 'farm-report.en.html'), 'utf8');
    expect(page).toContain('Farm complete');
    expect(page).not.toContain('CRM-APP02');
    expect(
      farmStatusSchema.parse(
        JSON.parse(await readFile(path.join(kit, 'reports', 'farm-report.json'), 'utf8')),
      ).complete,
    ).toBe(true);
  });
});
