import { describe, expect, it } from 'vitest';
import { toMssqlConfig } from './connection-config';
import { allSqlMessages, toUpgradeError } from './errors';
import { quoteDatabaseName } from './identifiers';
import { percentOf } from './databases';
import { restoreBatch } from './statements';

const conn = (connectionString: string) => ({
  name: 'Produzione',
  server: '',
  database: 'CRM',
  connectionString,
});

describe('connection strings to mssql', () => {
  it.each([
    ['.\\SQLEXPRESS', { server: 'localhost', instance: 'SQLEXPRESS', port: undefined }],
    ['(local)', { server: 'localhost', instance: undefined, port: 1433 }],
    ['(local)\\CRM', { server: 'localhost', instance: 'CRM', port: undefined }],
    ['db01', { server: 'db01', instance: undefined, port: 1433 }],
    ['db01,1500', { server: 'db01', instance: undefined, port: 1500 }],
    ['tcp:db01,1500', { server: 'db01', instance: undefined, port: 1500 }],
    // tedious refuses an instance and a port together: the explicit port wins.
    ['db01\\SQL2019,1500', { server: 'db01', instance: undefined, port: 1500 }],
    ['DB01\\SQL2019', { server: 'DB01', instance: 'SQL2019', port: undefined }],
  ])('Data Source=%s', (source, want) => {
    const { config } = toMssqlConfig(
      conn(`Data Source=${source};Initial Catalog=CRM;User ID=crm;Password=x`),
    );
    expect(config.server).toBe(want.server);
    expect(config.options?.instanceName).toBe(want.instance);
    expect(config.port).toBe(want.port);
    expect(config.database).toBe('CRM');
  });

  it('honours Encrypt and TrustServerCertificate when present', () => {
    const a = toMssqlConfig(conn('Server=db01;Database=CRM;User Id=u;Password=p;Encrypt=False'));
    expect(a.config.options).toMatchObject({ encrypt: false });
    const b = toMssqlConfig(
      conn('Server=db01;Database=CRM;User Id=u;Password=p;Encrypt=True;TrustServerCertificate=False'),
    );
    expect(b.config.options).toMatchObject({ encrypt: true, trustServerCertificate: false });
    expect(b.notes).toEqual([]);
  });

  it('otherwise encrypts trusting the LAN certificate, and says so', () => {
    const r = toMssqlConfig(conn('Server=db01;Database=CRM;User Id=u;Password=p'));
    expect(r.config.options).toMatchObject({ encrypt: true, trustServerCertificate: true });
    expect(r.notes.join(' ')).toMatch(/Encrypt not set/);
    expect(r.notes.join(' ')).not.toContain('p;');
  });

  it('names our sessions, so that they are told apart from the CRM', () => {
    expect(toMssqlConfig(conn('Server=db01;Database=CRM;User Id=u;Password=p')).config.options?.appName).toBe(
      'CRM Upgrade Manager',
    );
  });

  it.each([
    'Integrated Security=SSPI',
    'Integrated Security=true',
    'Trusted_Connection=yes',
    'trusted_connection=True',
  ])('Windows authentication (%s) needs the admin’s credentials', (auth) => {
    const c = conn(`Server=db01;Database=CRM;${auth}`);
    expect(() => toMssqlConfig(c)).toThrow(
      expect.objectContaining({
        message_: { key: 'sql.credentials-needed', params: { connection: 'Produzione' } },
      }),
    );
    const sqlLogin = toMssqlConfig(c, { kind: 'sql', user: 'sa', password: 'Segreta!1' });
    expect(sqlLogin).toMatchObject({
      integratedSecurity: true,
      config: { user: 'sa', password: 'Segreta!1' },
    });
    const ntlm = toMssqlConfig(c, {
      kind: 'ntlm',
      domain: 'AZIENDA',
      user: 'admin.crm',
      password: 'Segreta!1',
    });
    expect(ntlm.config.authentication).toEqual({
      type: 'ntlm',
      options: { domain: 'AZIENDA', userName: 'admin.crm', password: 'Segreta!1' },
    });
    expect(ntlm.notes.join(' ')).not.toContain('Segreta');
  });

  it('refuses a string with no server', () => {
    expect(() => toMssqlConfig(conn('Database=CRM;User Id=u'))).toThrow(
      expect.objectContaining({
        message_: expect.objectContaining({ key: 'sql.connection-string-invalid' }),
      }),
    );
  });
});

describe('identifiers and statements', () => {
  it.each([
    ['CRM_PROD', '[CRM_PROD]'],
    ['we]ird', '[we]]ird]'],
    ['o\'brien "db"', '[o\'brien "db"]'],
    ['a]]b', '[a]]]]b]'],
    ['Città è', '[Città è]'],
  ])('%s is quoted as %s', (name, quoted) => expect(quoteDatabaseName(name)).toBe(quoted));

  it.each(['', ' lead', 'trail ', 'x'.repeat(129), 'new\nline', 'nul\u0000'])('refuses %j', (name) => {
    expect(() => quoteDatabaseName(name)).toThrow(
      expect.objectContaining({ message_: expect.objectContaining({ key: 'sql.database-name-invalid' }) }),
    );
  });

  it('the restore batch brings MULTI_USER back even when RESTORE fails, and takes values only as parameters', () => {
    const batch = restoreBatch(quoteDatabaseName('we]ird'));
    expect(batch.match(/SET MULTI_USER/g)).toHaveLength(2);
    expect(batch).toMatch(
      /SINGLE_USER WITH ROLLBACK IMMEDIATE[\s\S]*BEGIN TRY[\s\S]*RESTORE DATABASE @database FROM DISK = @path WITH FILE = @position, REPLACE, CHECKSUM[\s\S]*CATCH[\s\S]*THROW/,
    );
    expect(batch).toContain('ALTER DATABASE [we]]ird]');
  });

  it('reads progress by message number and leading digits, whatever the language', () => {
    expect(percentOf({ number: 3211, message: '45 percent processed.' })).toBe(45);
    expect(percentOf({ number: 3211, message: '45 percento elaborato.' })).toBe(45);
    expect(percentOf({ number: 4035, message: '45 percent processed.' })).toBeNull();
    expect(percentOf({ number: 3211, message: 'processed' })).toBeNull();
  });
});

describe('SQL errors for the admin', () => {
  const chain = Object.assign(new Error('BACKUP DATABASE is terminating abnormally.'), {
    number: 3013,
    precedingErrors: [
      {
        number: 3201,
        message:
          "Cannot open backup device 'E:\\Backup\\x.bak'. Operating system error 5(Access is denied.).",
      },
    ],
  });

  it('keeps every message, earliest first', () => {
    expect(allSqlMessages(chain).map((m) => m.number)).toEqual([3201, 3013]);
  });

  it('explains that 3201 with OS error 5 is the service account’s right, not the admin’s', () => {
    const e = toUpgradeError(chain, { connection: 'Produzione', path: 'E:\\Backup\\x.bak' });
    expect(e.message_).toEqual({ key: 'sql.backup-access-denied', params: { path: 'E:\\Backup\\x.bak' } });
    expect(e.detail).toContain('3201');
    expect(e.detail).toContain('3013');
  });

  it('login failures and unreachable servers get their own messages', () => {
    expect(
      toUpgradeError(Object.assign(new Error("Login failed for user 'crm'."), { code: 'ELOGIN' }), {
        connection: 'P',
      }).message_.key,
    ).toBe('sql.login-failed');
    expect(
      toUpgradeError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ESOCKET' }), {
        connection: 'P',
      }).message_.key,
    ).toBe('sql.connect-failed');
    expect(
      toUpgradeError(Object.assign(new Error('Invalid object name'), { number: 208 }), { connection: 'P' })
        .message_,
    ).toMatchObject({ key: 'sql.error', params: { number: 208 } });
  });
});
