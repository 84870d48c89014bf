import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { NEW, OLD, dbBackup, farmList, ledgerEntry } from '../../testing/farm-ledger';
import {
  LEDGER_DIR,
  installationOf,
  ledgerFile,
  readLedger,
  renameOverReaders,
  writeFarmList,
  writeLedgerEntry,
} from './ledger';

/**
 * Issue 15, the farm's ledger on the kit: each server's entry and the admin's list, read back
 * only for the kit's version; what cannot be trusted is a problem, never a fact.
 */

let kit = '';
beforeEach(async () => {
  kit = await mkdtemp(path.join(tmpdir(), 'farm-ledger-'));
});
afterEach(() => rm(kit, { recursive: true, force: true }));

const dir = () => path.join(kit, 'reports', LEDGER_DIR);

async function plant(name: string, text: string): Promise<string> {
  await mkdir(dir(), { recursive: true });
  const file = path.join(dir(), name);
  await writeFile(file, text);
  return file;
}

describe('readLedger', () => {
  it('is empty, with no problem, on a kit no server has written to yet', async () => {
    expect(await readLedger(kit, NEW)).toEqual({ entries: [], list: null, problems: [] });
  });

  it('reads back what each server wrote, and the list', async () => {
    const one = ledgerEntry('CRM-APP01', { backups: [dbBackup('CRM-APP01')] });
    const two = ledgerEntry('CRM-APP02');
    await writeLedgerEntry(kit, two);
    await writeLedgerEntry(kit, one);
    await writeFarmList(kit, farmList(['CRM-APP01', 'CRM-APP02']));
    const ledger = await readLedger(kit, NEW);
    expect(ledger.entries).toEqual([one, two]);
    expect(ledger.list?.servers).toEqual(['CRM-APP01', 'CRM-APP02']);
    expect(ledger.problems).toEqual([]);
    expect(ledgerFile(kit, 'CRM-APP01')).toBe(path.join(dir(), 'CRM-APP01.json'));
  });

  it('ignores the entries and the list of another kit version', async () => {
    await writeLedgerEntry(kit, ledgerEntry('CRM-APP01', { kitVersion: OLD }));
    await writeLedgerEntry(kit, ledgerEntry('CRM-APP02'));
    await writeFarmList(kit, farmList(['CRM-APP01', 'CRM-APP02'], { kitVersion: OLD }));
    const ledger = await readLedger(kit, NEW);
    expect(ledger.entries.map((e) => e.hostname)).toEqual(['CRM-APP02']);
    expect(ledger.list).toBeNull();
    expect(ledger.problems).toEqual([]);
    // The same files, read for the other version.
    const old = await readLedger(kit, OLD);
    expect(old.entries.map((e) => e.hostname)).toEqual(['CRM-APP01']);
    expect(old.list?.kitVersion).toBe(OLD);
  });

  it('makes an unreadable JSON or an entry its schema refuses a problem, never an entry', async () => {
    await writeLedgerEntry(kit, ledgerEntry('CRM-APP01'));
    const torn = await plant('CRM-APP02.json', '{"format":1,"kind":"crm-farm-ledger","hostn');
    const { lockout: _dropped, ...noLockout } = ledgerEntry('CRM-APP03');
    const invalid = await plant('CRM-APP03.json', JSON.stringify(noLockout));
    const wrongState = await plant(
      'CRM-APP04.json',
      JSON.stringify(ledgerEntry('CRM-APP04', { runState: 'upgrading' as never })),
    );
    const ledger = await readLedger(kit, NEW);
    expect(ledger.entries.map((e) => e.hostname)).toEqual(['CRM-APP01']);
    expect(ledger.problems).toEqual([
      { key: 'farm.ledger.unreadable', params: { file: torn, problem: 'JSON' } },
      { key: 'farm.ledger.unreadable', params: { file: invalid, problem: expect.any(String) as string } },
      { key: 'farm.ledger.unreadable', params: { file: wrongState, problem: expect.any(String) as string } },
    ]);
  });

  it('makes an unreadable or schema-invalid list a problem, and no list', async () => {
    const file = await plant('farm.json', JSON.stringify(farmList(['CRM-APP01', 'NOT A NAME!'])));
    const ledger = await readLedger(kit, NEW);
    expect(ledger.list).toBeNull();
    expect(ledger.problems).toMatchObject([{ key: 'farm.ledger.unreadable', params: { file } }]);
  });

  it('makes a file it cannot read at all (a folder named like an entry) a problem', async () => {
    await mkdir(path.join(dir(), 'CRM-APP05.json'), { recursive: true });
    const ledger = await readLedger(kit, NEW);
    expect(ledger.entries).toEqual([]);
    expect(ledger.problems).toMatchObject([
      { key: 'farm.ledger.unreadable', params: { file: path.join(dir(), 'CRM-APP05.json') } },
    ]);
  });

  it('makes an entry filed under another server’s name misfiled: a problem, not that server’s entry', async () => {
    // CRM-APP01's entry copied by hand over CRM-APP02's: CRM-APP02 has not run, whatever the file says.
    const file = await plant('CRM-APP02.json', JSON.stringify(ledgerEntry('CRM-APP01')));
    const ledger = await readLedger(kit, NEW);
    expect(ledger.entries).toEqual([]);
    expect(ledger.problems).toEqual([
      { key: 'farm.ledger.misfiled', params: { file, hostname: 'CRM-APP01' } },
    ]);
  });

  it('leaves other files on the kit alone', async () => {
    await plant('notes.txt', 'not an entry');
    await plant('CRM-APP01.json.1a2b3c4d.tmp', '{"torn');
    expect(await readLedger(kit, NEW)).toEqual({ entries: [], list: null, problems: [] });
  });
});

describe('writeLedgerEntry and writeFarmList', () => {
  it('replace the old entry whole, and leave no temporary file behind', async () => {
    await writeLedgerEntry(
      kit,
      ledgerEntry('CRM-APP01', {
        backups: [dbBackup('CRM-APP01'), dbBackup('CRM-APP01', { connection: 'Formazione' })],
        databases: [{ connection: 'Produzione', database: 'CRM_PROD', version: OLD, at: 'then' }],
      }),
    );
    const later = ledgerEntry('CRM-APP01', { runState: 'finished', step: null, updatedAt: 'later' });
    await writeLedgerEntry(kit, later);
    expect(JSON.parse(await readFile(ledgerFile(kit, 'CRM-APP01'), 'utf8'))).toEqual(later);
    expect((await readLedger(kit, NEW)).entries).toEqual([later]);

    await writeFarmList(kit, farmList(['CRM-APP01', 'CRM-APP02', 'CRM-APP03']));
    const shorter = farmList(['CRM-APP01', 'CRM-APP02'], { confirmedBy: 'CRM-APP02' });
    await writeFarmList(kit, shorter);
    expect(JSON.parse(await readFile(path.join(dir(), 'farm.json'), 'utf8'))).toEqual(shorter);

    expect((await readdir(dir())).sort()).toEqual(['CRM-APP01.json', 'farm.json']);
  });

  it('files a hostname with characters a file name cannot hold under its folder name, and reads it back', async () => {
    const odd = ledgerEntry('CRM APP:01');
    await writeLedgerEntry(kit, odd);
    expect(await readdir(dir())).toEqual(['CRM_APP_01.json']);
    expect((await readLedger(kit, NEW)).entries).toEqual([odd]);
  });
});

describe('a rename Windows refuses while another process reads the entry', () => {
  it('is tried again until the reader is gone; any other error is not', async () => {
    const calls: string[] = [];
    let refusals = 2;
    const busy = async (from: string, to: string) => {
      calls.push(`${from}>${to}`);
      if (refusals-- > 0) throw Object.assign(new Error('busy'), { code: 'EPERM' });
    };
    await renameOverReaders('a.tmp', 'a.json', busy);
    expect(calls).toHaveLength(3);
    const gone = async () => {
      throw Object.assign(new Error('gone'), { code: 'ENOENT' });
    };
    await expect(renameOverReaders('a.tmp', 'a.json', gone)).rejects.toThrow('gone');
    const always = async () => {
      throw Object.assign(new Error('held'), { code: 'EBUSY' });
    };
    await expect(renameOverReaders('a.tmp', 'a.json', always, 3)).rejects.toThrow('held');
  });
});

describe('one stick, two installations (a rehearsal on a test server, then production)', () => {
  it('reads only the entries and the list of this installation', async () => {
    const kit = await mkdtemp(path.join(tmpdir(), 'crm-ledger-two-'));
    try {
      const test = installationOf('CRM-TEST01', [{ server: '.\\SQLEXPRESS', database: 'CRM_PROD' }]);
      const prod = installationOf('CRM-APP01', [{ server: 'CRM-SQL01.azienda.local', database: 'CRM_PROD' }]);
      expect(test).toBe('crm-test01\\sqlexpress/crm_prod');
      expect(prod).toBe('crm-sql01/crm_prod');
      // The farm's servers read one name whatever their web.config's form of it.
      expect(installationOf('CRM-APP02', [{ server: 'tcp:crm-sql01,1433', database: 'CRM_PROD' }])).toBe(
        prod,
      );
      await writeLedgerEntry(kit, ledgerEntry('CRM-TEST01', { installation: test }));
      await writeFarmList(kit, farmList(['CRM-TEST01'], { installation: test }));
      await writeLedgerEntry(kit, ledgerEntry('CRM-APP02', { installation: prod }));
      const ledger = await readLedger(kit, NEW, prod);
      expect(ledger.entries.map((e) => e.hostname)).toEqual(['CRM-APP02']);
      expect(ledger.list).toBeNull();
      expect((await readLedger(kit, NEW, test)).list?.servers).toEqual(['CRM-TEST01']);
    } finally {
      await rm(kit, { recursive: true, force: true });
    }
  });
});
