import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { UpgradeError } from '../shared/message';
import { loadProfile, parseModules, parseProfile } from './profile';
import { sourceResourcesDir } from './resources';

const CRM_JSON = path.join(sourceResourcesDir(), 'profiles', 'crm.json');
const shipped = () =>
  JSON.parse(readFileSync(CRM_JSON, 'utf8')) as Record<string, unknown> & {
    iis: Record<string, unknown>;
    installedVersion: Record<string, unknown>;
    licence: Record<string, unknown>;
    connections: Record<string, unknown>;
    backupExclusions: string[];
    sql: Record<string, unknown>;
  };

function refusal(json: unknown): UpgradeError {
  try {
    parseProfile(json, 'test.json');
  } catch (err) {
    if (err instanceof UpgradeError) return err;
    throw err;
  }
  throw new Error('expected parseProfile to refuse');
}

describe('parseProfile', () => {
  it('accepts the shipped resources/profiles/crm.json', async () => {
    const profile = parseProfile(shipped(), CRM_JSON);
    expect(profile).toEqual(shipped());
    expect(profile.iis.siteName).toBe('CRM');
    expect(profile.licence).toEqual({
      kind: 'file',
      file: 'App_Data/licenza.txt',
      pattern: 'Moduli:\\s*(.*)',
    });
    if (profile.licence.kind !== 'file') throw new Error('the shipped profile reads the licence from a file');
    expect(new RegExp(profile.licence.pattern).exec('Moduli: 0, 3, 7')?.[1]).toBe('0, 3, 7');
    expect(await loadProfile(CRM_JSON)).toEqual(profile);
  });

  const cases: { name: string; field: string; edit: (p: ReturnType<typeof shipped>) => void }[] = [
    { name: 'missing licence', field: 'licence', edit: (p) => Reflect.deleteProperty(p, 'licence') },
    { name: 'missing iis.siteName', field: 'iis.siteName', edit: (p) => delete p.iis.siteName },
    {
      name: 'missing installedVersion.pattern',
      field: 'installedVersion.pattern',
      edit: (p) => delete p.installedVersion.pattern,
    },
    { name: 'wrong format', field: 'format', edit: (p) => (p.format = 2) },
    { name: 'empty product', field: 'product', edit: (p) => (p.product = '') },
    {
      name: 'unknown field at the top',
      field: 'postUpgradeScript',
      edit: (p) => (p.postUpgradeScript = 'del *.*'),
    },
    { name: 'unknown field inside iis', field: 'iis.appPool', edit: (p) => (p.iis.appPool = 'CRMAppPool') },
    {
      name: 'absolute licence file (POSIX)',
      field: 'licence.file',
      edit: (p) => (p.licence.file = '/etc/licenza.txt'),
    },
    {
      name: 'absolute licence file (Windows drive)',
      field: 'licence.file',
      edit: (p) => (p.licence.file = 'C:\\CRM\\App_Data\\licenza.txt'),
    },
    {
      name: '".." in the version file',
      field: 'installedVersion.file',
      edit: (p) => (p.installedVersion.file = 'bin/../../version.txt'),
    },
    {
      name: '".." with backslashes in the connections file',
      field: 'connections.file',
      edit: (p) => (p.connections.file = '..\\web.config'),
    },
    {
      name: '".." in a backup exclusion',
      field: 'backupExclusions.1',
      edit: (p) => (p.backupExclusions = ['Temp', '../Backups']),
    },
    { name: 'empty backup exclusion', field: 'backupExclusions.0', edit: (p) => (p.backupExclusions = ['']) },
    {
      name: 'bad licence regex',
      field: 'licence.pattern',
      edit: (p) => (p.licence.pattern = 'Moduli:\\s*(.*'),
    },
    {
      name: 'a database version query that writes',
      field: 'sql.databaseVersionQuery',
      edit: (p) => (p.sql.databaseVersionQuery = "UPDATE dbo.Sistema SET Versione = 'x'"),
    },
    {
      name: 'a database version query left out (null says "not yet")',
      field: 'sql.databaseVersionQuery',
      edit: (p) => delete p.sql.databaseVersionQuery,
    },
    {
      name: 'connected users without their session timeout',
      field: 'sql.connectedUsersQuery',
      edit: (p) => (p.sql.connectedUsersQuery = 'SELECT UserName AS [user] FROM dbo.UtentiConnessi'),
    },
    {
      name: 'bad version regex',
      field: 'installedVersion.pattern',
      edit: (p) => (p.installedVersion.pattern = '[a-'),
    },
  ];

  it.each(cases)('$name → profile.invalid, field $field', ({ field, edit }) => {
    const json = shipped();
    edit(json);
    const err = refusal(json);
    expect(err.message_.key).toBe('profile.invalid');
    expect(err.message_.params).toMatchObject({ source: 'test.json', field });
    expect(String(err.message_.params?.problem ?? '')).not.toBe('');
  });

  it("the shipped profile says each database's version cannot be read yet; a vendor's query is taken", () => {
    expect(parseProfile(shipped(), CRM_JSON).sql).toEqual({ databaseVersionQuery: null });
    const json = shipped();
    json.sql.databaseVersionQuery =
      'SELECT TOP (1) Versione FROM dbo.VersioneDatabase ORDER BY DataAggiornamento DESC';
    expect(parseProfile(json, 'test.json').sql?.databaseVersionQuery).toMatch(/^SELECT TOP \(1\) Versione/);
  });

  it('a profile that is not an object → profile.invalid at (root)', () => {
    expect(refusal('crm').message_).toMatchObject({ key: 'profile.invalid', params: { field: '(root)' } });
  });

  it('loadProfile: an unreadable file → profile.unreadable', async () => {
    const missing = path.join(sourceResourcesDir(), 'profiles', 'no-such-profile.json');
    await expect(loadProfile(missing)).rejects.toMatchObject({
      message_: { key: 'profile.unreadable', params: { source: missing } },
    });
  });
});

describe('parseModules', () => {
  it.each([
    { text: '0, 3, 7', want: ['0', '3', '7'] },
    { text: '0;3;7', want: ['0', '3', '7'] },
    { text: '0 3 7', want: ['0', '3', '7'] },
    { text: '[0][3]', want: ['0', '3'] },
    { text: '[0] [3] [7]', want: ['0', '3', '7'] },
    { text: '00, 3', want: ['0', '3'] },
    { text: '3, 7', want: ['3', '7'] },
    { text: '10, 20', want: ['10', '20'] },
    { text: '010, 20', want: ['10', '20'] },
    { text: '', want: [] },
    { text: '   ', want: [] },
    { text: '0,\t3\n7\r\n', want: ['0', '3', '7'] },
    { text: '0|3', want: ['0', '3'] },
    { text: '(0)', want: ['0'] },
    { text: '(0)(12)', want: ['0', '12'] },
    { text: '0, 3, 7,,', want: ['0', '3', '7'] },
    { text: ',0,', want: ['0'] },
    { text: '0, A, 3', want: ['0', '3'] },
    { text: '0A, 3', want: ['3'] },
    { text: 'A0 B3', want: [] },
    { text: '0 ; 3 | 7 , 9', want: ['0', '3', '7', '9'] },
    { text: 'Moduli: 0, 3, 7', want: ['0', '3', '7'] },
  ])('"$text" → $want', ({ text, want }) => {
    expect(parseModules(text)).toEqual(want);
  });

  it('"10, 20" does not count as including module 0', () => {
    expect(parseModules('10, 20').includes('0')).toBe(false);
    expect(parseModules('100').includes('0')).toBe(false);
    expect(parseModules('00').includes('0')).toBe(true);
  });
});

describe('where the version and the licence are read', () => {
  const base = () => JSON.parse(JSON.stringify(shipped())) as Record<string, unknown>;
  it('accepts a file written without its kind (the first form), a DLL file version, a query, and the admin', () => {
    const legacy = { ...base(), installedVersion: { file: 'bin/version.txt', pattern: '(.*)' } };
    expect(parseProfile(legacy, 'p').installedVersion).toEqual({
      kind: 'file',
      file: 'bin/version.txt',
      pattern: '(.*)',
    });
    expect(
      parseProfile(
        { ...base(), installedVersion: { kind: 'file-version', file: 'bin/Crm.Web.dll', arch: 'x64' } },
        'p',
      ).installedVersion.kind,
    ).toBe('file-version');
    expect(
      parseProfile({ ...base(), installedVersion: { kind: 'query', query: 'SELECT v FROM t' } }, 'p')
        .installedVersion.kind,
    ).toBe('query');
    expect(parseProfile({ ...base(), licence: { kind: 'admin-confirms' } }, 'p').licence).toEqual({
      kind: 'admin-confirms',
    });
  });

  it.each([
    [{ kind: 'file-version', file: 'bin/Crm.Web.dll' }, 'installedVersion.arch'],
    [{ kind: 'dll', file: 'x' }, 'installedVersion.kind'],
    [{ kind: 'query' }, 'installedVersion.query'],
  ])('names the field of a bad source %j', (installedVersion, field) => {
    expect(() => parseProfile({ ...base(), installedVersion }, 'p')).toThrow(
      expect.objectContaining({
        message_: expect.objectContaining({ params: expect.objectContaining({ field }) }),
      }),
    );
  });
});

describe('what a kit profile may make the elevated process run', () => {
  const base = () => JSON.parse(JSON.stringify(shipped())) as ReturnType<typeof shipped>;
  const problemOf = (err: UpgradeError) => err.message_.params?.problem;

  it.each(['installedVersion', 'licence'] as const)(
    'refuses a backtracking %s pattern such as ^((a+)+)$, which hung the check',
    (where) => {
      const p = base();
      p[where].pattern = '^((a+)+)$';
      const err = refusal(p);
      expect(err.message_).toMatchObject({ key: 'profile.invalid', params: { field: `${where}.pattern` } });
      expect(problemOf(err)).toContain('nested quantifiers');
    },
  );

  it.each([
    ['SELECT Versione FROM dbo.Sistema; DROP TABLE dbo.Utenti', "';'"],
    ["EXEC xp_cmdshell 'whoami'", 'does not begin with SELECT'],
    ['SELECT * INTO dbo.Copia FROM dbo.Utenti', 'INTO'],
    ['SELECT 1 SELECT 2', 'more than one statement'],
  ])('refuses the query %s', (query, problem) => {
    const err = refusal({ ...base(), installedVersion: { kind: 'query', query } });
    expect(err.message_.params?.field).toBe('installedVersion.query');
    expect(problemOf(err)).toContain(problem);
  });

  it('checks the connected-users and database-version queries too', () => {
    const sql = {
      connectedUsersQuery: 'SELECT 1',
      sessionTimeoutMinutes: 20,
      databaseVersionQuery: 'SELECT 1',
    };
    expect(parseProfile({ ...base(), sql }, 'p').sql).toEqual(sql);
    const writes = { ...sql, databaseVersionQuery: "UPDATE dbo.VersioneDatabase SET Versione = 'x'" };
    expect(refusal({ ...base(), sql: writes }).message_.params?.field).toBe('sql.databaseVersionQuery');
    const exec = { ...sql, connectedUsersQuery: 'SELECT 1 EXEC sp_who' };
    expect(refusal({ ...base(), sql: exec }).message_.params?.field).toBe('sql.connectedUsersQuery');
  });
});
