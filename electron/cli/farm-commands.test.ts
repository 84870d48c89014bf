import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFarmList, writeLedgerEntry } from '../core/farm/ledger';
import { farmStatusSchema } from '../shared/farm';
import { type FarmFixture, farmFixture, visit } from '../testing/farm-fixture';
import { NEW, OLD, farmList, finishedEntry, ledgerEntry } from '../testing/farm-ledger';
import { runMain } from '../testing/run-main';

/**
 * Issue 15: `crm-upgrade farm status --kit DIR [--json] [--lang en]`, through the CLI's own entry
 * point. Exit 0 when the whole farm is at the kit's version and open, 1 when work remains, 2 on
 * bad input.
 */

let work = '';
let kit = '';
let f: FarmFixture | undefined;
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'cli-farm-status-'));
  kit = path.join(work, 'kit');
  await mkdir(kit);
  await writeFile(path.join(kit, 'kit.json'), JSON.stringify({ version: NEW }));
});
afterEach(async () => {
  await f?.dispose();
  f = undefined;
  await rm(work, { recursive: true, force: true });
});

const status = (...more: string[]) => runMain('farm', 'status', '--kit', kit, ...more);

describe('crm-upgrade farm status: bad input exits 2', () => {
  it.each([
    ['no --kit', ['farm', 'status'], 'farm status --kit KITDIR'],
    ['an unknown sub-command', ['farm', 'list', '--kit', 'KIT'], 'unknown farm command: list'],
    ['no sub-command', ['farm'], 'unknown farm command: (none)'],
    ['an extra positional', ['farm', 'status', '--kit', 'KIT', 'CRM-APP01'], 'farm status --kit KITDIR'],
    ['an unknown option', ['farm', 'status', '--kit', 'KIT', '--server', 'X'], "Unknown option '--server'"],
    ['an unknown language', ['farm', 'status', '--kit', 'KIT', '--lang', 'de'], '--lang must be it or en'],
  ])('on %s', async (_name, args, says) => {
    const out = await runMain(...args.map((a) => (a === 'KIT' ? kit : a)));
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(says);
  });

  it('on a folder with no kit.json, saying which folder and what to give', async () => {
    const empty = path.join(work, 'empty');
    await mkdir(empty);
    const out = await runMain('farm', 'status', '--kit', empty);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain(`La cartella ${empty} non è un kit di aggiornamento`);
    expect(out.stderr).toContain('crm-upgrade farm status --kit E:\\');
  });

  it.each([
    ['without a version', { notVersion: NEW }],
    ['with an empty version', { version: '' }],
    ['with a version that is not text', { version: 785 }],
  ])('on a kit.json %s, in English with --lang en', async (_name, manifest) => {
    await writeFile(path.join(kit, 'kit.json'), JSON.stringify(manifest));
    const out = await status('--lang', 'en');
    expect(out.code).toBe(2);
    expect(out.stderr).toContain(`Folder ${kit} is not an upgrade kit`);
  });

  it('on a kit.json that is not JSON', async () => {
    await writeFile(path.join(kit, 'kit.json'), '{"version": "7.8.5');
    expect((await status()).code).toBe(2);
  });
});

describe('crm-upgrade farm status: work remains, exit 1', () => {
  it('with the ledger empty: no server has run yet, in Italian by default', async () => {
    const out = await status();
    expect(out).toMatchObject({ code: 1, stderr: '' });
    expect(out.stdout).toContain(`Farm: da ? a ${NEW}`);
    expect(out.stdout).toContain(
      'Prossimo passo: Nessun server della farm ha ancora eseguito il programma con questo kit',
    );
    expect(out.stdout).not.toContain('Farm completata');
  });

  it('mid-farm: each server and database, and the next step on the server that has not run', async () => {
    await writeLedgerEntry(
      kit,
      ledgerEntry('CRM-APP01', {
        databases: [{ connection: 'Produzione', database: 'CRM_PROD', version: OLD, at: 't' }],
      }),
    );
    await writeFarmList(kit, farmList(['CRM-APP01', 'CRM-APP02']));
    const it_ = await status();
    expect(it_.code).toBe(1);
    expect(it_.stdout.split('\n')).toEqual([
      `Farm: da ${OLD} a ${NEW}`,
      'Server:',
      `  CRM-APP01: ${OLD} · utenti bloccati · pool fermi · in attesa, backup.db:Produzione (in attesa della farm)`,
      '  CRM-APP02: ? · accesso non noto · pool non noti · non ancora eseguito',
      'Database:',
      `  Produzione (CRM_PROD): ${OLD}`,
      'Prossimo passo: Porta la chiavetta su CRM-APP02 ed esegui lì il programma.',
      '',
    ]);
    const en = await status('--lang', 'en');
    expect(en.code).toBe(1);
    expect(en.stdout).toContain(`Farm: from ${OLD} to ${NEW}`);
    expect(en.stdout).toContain('CRM-APP02: ? · access unknown · pools unknown · not run yet');
    expect(en.stdout).toContain('Next step: Take the kit to CRM-APP02 and run the program there.');
    expect(en.stdout).not.toContain('Prossimo');
  });

  it('names what cannot be trusted in the ledger', async () => {
    await writeLedgerEntry(kit, finishedEntry('CRM-APP01'));
    const misfiled = path.join(kit, 'reports', '_ledger', 'CRM-APP02.json');
    await writeFile(misfiled, JSON.stringify(finishedEntry('CRM-APP01')));
    const out = await status('--lang', 'en');
    expect(out.stdout).toContain('Problems:');
    expect(out.stdout).toContain(`The farm ledger file ${misfiled} speaks of server CRM-APP01`);
  });

  it('says when the kit holds the ledgers of two installations (a rehearsal, then production)', async () => {
    await writeLedgerEntry(
      kit,
      finishedEntry('CRM-TEST01', { installation: 'crm-test01\\sqlexpress/crm_prod' }),
    );
    await writeLedgerEntry(kit, ledgerEntry('CRM-APP01', { installation: 'crm-sql01/crm_prod' }));
    const out = await status('--lang', 'en');
    expect(out.code).toBe(1);
    expect(out.stdout).toContain('The kit holds the ledgers of several installations');
  });

  it('--json: the farm as farmStatusSchema reads it, and still exit 1', async () => {
    await writeLedgerEntry(kit, ledgerEntry('CRM-APP01'));
    const out = await status('--json');
    expect(out.code).toBe(1);
    const farm = farmStatusSchema.parse(JSON.parse(out.stdout));
    expect(farm).toMatchObject({
      kitVersion: NEW,
      complete: false,
      next: { server: 'CRM-APP01', message: { key: 'farm.next.check-again' } },
    });
    expect(farm.servers.map((s) => [s.hostname, s.isThis, s.sources])).toEqual([
      ['CRM-APP01', false, ['ledger']],
    ]);
  });
});

describe('crm-upgrade farm status: a complete farm exits 0', () => {
  it('as the ledger says, written by hand', async () => {
    await writeLedgerEntry(kit, finishedEntry('CRM-APP01'));
    await writeLedgerEntry(kit, finishedEntry('CRM-APP02'));
    const out = await status();
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout.trimEnd().split('\n').at(-1)).toBe('Farm completata.');
    expect((await status('--lang', 'en')).stdout).toContain('Farm complete.');
    const json = await status('--json');
    expect(json.code).toBe(0);
    expect(farmStatusSchema.parse(JSON.parse(json.stdout))).toMatchObject({
      complete: true,
      next: { server: null, message: { key: 'farm.next.done' } },
    });
  });

  it('after a real practice farm of two is upgraded, server by server', async () => {
    f = await farmFixture(2);
    await visit(f, 'CRM-APP01');
    // Halfway: CRM-APP01 waits for the farm, CRM-APP02 has not run.
    const halfway = await runMain('farm', 'status', '--kit', f.kitDir, '--json');
    expect(halfway.code).toBe(1);
    expect(farmStatusSchema.parse(JSON.parse(halfway.stdout)).next.server).toBe('CRM-APP02');
    await visit(f, 'CRM-APP02');
    await visit(f, 'CRM-APP01');
    const out = await runMain('farm', 'status', '--kit', f.kitDir, '--lang', 'en');
    expect(out).toMatchObject({ code: 0, stderr: '' });
    expect(out.stdout).toContain(`CRM-APP01: ${NEW} · open · pools started · finished`);
    expect(out.stdout).toContain(`CRM-APP02: ${NEW} · open · pools started · finished`);
    expect(out.stdout).toMatch(
      new RegExp(`Produzione \\(CRM_PROD\\): ${NEW} · backup by CRM-APP02 · updated by CRM-APP02`),
    );
    expect(out.stdout).toContain('Farm complete.');
  });
});
