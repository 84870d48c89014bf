import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TO_VERSION } from '../host/practice/content';
import { openPracticeHost } from '../host/practice';
import { runMain } from '../testing/run-main';

let work = '';
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'cli-farm-'));
});
afterEach(() => rm(work, { recursive: true, force: true }));

const produzione = {
  name: 'Produzione',
  database: 'CRM_PROD',
  server: 'CRM-SQL01',
  connectionString: 'Data Source=CRM-SQL01;Initial Catalog=CRM_PROD',
};

describe('crm-upgrade practice farm DIR --servers N', () => {
  it('makes the farm and says where each server is and which SQL Server they share, in Italian or English', async () => {
    const farm = path.join(work, 'farm');
    const made = await runMain('practice', 'farm', farm, '--servers', '2', '--no-mobile');
    expect(made).toMatchObject({ code: 0, stderr: '' });
    expect(made.stdout).toContain(
      `Farm di prova: ${farm} (2 server applicativi, un solo SQL Server condiviso)`,
    );
    expect(made.stdout).toContain(`server CRM-APP01: ${path.join(farm, 'CRM-APP01')}`);
    expect(made.stdout).toContain(`server CRM-APP02: ${path.join(farm, 'CRM-APP02')}`);
    expect(made.stdout).toContain(
      `SQL Server condiviso CRM-SQL01: ${path.join(farm, 'sql', 'instance.json')}`,
    );
    expect((await readdir(farm)).sort()).toEqual(['CRM-APP01', 'CRM-APP02', 'practice-farm.json', 'sql']);
    // --no-mobile reached every server.
    const b = await openPracticeHost(path.join(farm, 'CRM-APP02'));
    expect(await b.iis.findCrm('CRM-Mobile')).toBeNull();

    const en = await runMain('practice', 'farm', path.join(work, 'en'), '--servers', '1', '--lang', 'en');
    expect(en.code).toBe(0);
    expect(en.stdout).toContain('Practice farm: ');
    expect(en.stdout).toContain('shared SQL Server CRM-SQL01: ');
    expect(en.stdout).not.toContain('CRM-APP02');
  });

  it.each([
    ['no DIR', ['--servers', '2'], 'practice farm DIR --servers N'],
    ['no --servers', ['DIR'], '--servers N is required'],
    [
      '--servers that is not a number',
      ['DIR', '--servers', 'tre'],
      '--servers must be a whole number, not tre',
    ],
    ['--servers -1', ['DIR', '--servers=-1'], '--servers must be a whole number, not -1'],
    ['two folders', ['DIR', 'OTHER', '--servers', '2'], 'practice farm DIR --servers N'],
    ['an unknown option', ['DIR', '--servers', '2', '--hostname', 'X'], "Unknown option '--hostname'"],
  ])('exits 2 on %s, making nothing', async (_name, args, says) => {
    const argv = args.map((a) =>
      a === 'DIR' ? path.join(work, 'farm') : a === 'OTHER' ? path.join(work, 'o') : a,
    );
    const r = await runMain('practice', 'farm', ...argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(says);
    expect(await readdir(work)).toEqual([]);
  });

  it('exits 2 on 0 or 10 servers with the reason and what to do, in the CLI language', async () => {
    const it10 = await runMain('practice', 'farm', path.join(work, 'farm'), '--servers', '10');
    expect(it10.code).toBe(2);
    expect(it10.stderr).toContain('Una farm di prova ha da 1 a 9 server applicativi, non 10.');
    expect(it10.stderr).toContain('  → Scrivi il numero di server con --servers, da 1 a 9');
    const en0 = await runMain('practice', 'farm', path.join(work, 'farm'), '--servers', '0', '--lang', 'en');
    expect(en0.code).toBe(2);
    expect(en0.stderr).toContain('A practice farm has 1 to 9 application servers, not 0.');
    expect(await readdir(work)).toEqual([]);
  });

  it('exits 2 on a folder that is not empty, leaving it as it was', async () => {
    const farm = path.join(work, 'farm');
    await mkdir(farm);
    await writeFile(path.join(farm, 'mine.txt'), 'x');
    const r = await runMain('practice', 'farm', farm, '--servers', '2', '--lang', 'en');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`The folder ${farm} is not empty`);
    expect(await readdir(farm)).toEqual(['mine.txt']);
  });
});

describe('the practice commands on a farm server', () => {
  it('aggiorna-database, login and logoff go through that server, to the shared databases', async () => {
    const farm = path.join(work, 'farm');
    expect((await runMain('practice', 'farm', farm, '--servers', '2')).code).toBe(0);
    const [a, b] = [path.join(farm, 'CRM-APP01'), path.join(farm, 'CRM-APP02')];
    await writeFile(path.join(a, 'C/inetpub/wwwroot/CRM/bin/version.txt'), `${TO_VERSION}\n`);
    expect((await runMain('practice', 'aggiorna-database', a, 'Produzione')).code).toBe(0);
    const hostB = await openPracticeHost(b);
    expect(await hostB.databases.schemaVersion(produzione)).toBe(TO_VERSION);

    const hostA = await openPracticeHost(a);
    await hostA.iis.lockOut((await hostA.iis.findCrm('CRM'))!, '<h1>manutenzione</h1>');
    expect((await runMain('practice', 'login', a, 'Produzione', 'lbianchi')).code).toBe(1);
    expect((await runMain('practice', 'login', b, 'Produzione', 'lbianchi')).code).toBe(0);

    const off = await runMain('practice', 'logoff', b);
    expect(off.stdout).toContain('logged off: 2');
    expect(await hostA.databases.connectedUsers(produzione)).toEqual([]);
  });

  it('a server that its farm does not list is refused with exit 2', async () => {
    const farm = path.join(work, 'farm');
    expect((await runMain('practice', 'farm', farm, '--servers', '1')).code).toBe(0);
    await rm(path.join(farm, 'practice-farm.json'));
    const r = await runMain('practice', 'logoff', path.join(farm, 'CRM-APP01'));
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('è un server di una farm di prova');
  });
});
