import { describe, expect, it } from 'vitest';
import { TdsTestServer, useTdsServer } from '../../../testing/tds';
import type { CrmConnection } from '../../../core/ports';
import { engineCatalog } from '../../../shared/i18n';
import { type Message, UpgradeError } from '../../../shared/message';
import {
  type InstancePort,
  crmClientOf,
  encryptionPlan,
  instancePortOf,
  isThisServer,
  routeToInstance,
  sqlConnector,
  toMssqlConfig,
} from './connection-config';
import { allSqlMessages, toUpgradeError } from './errors';
import { quoteDatabaseName } from './identifiers';
import { percentOf } from './databases';
import { RESTORE_DATABASE, bringOnline, takeOffline } from './statements';

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

  it.each([
    // [string's keys, providerName, attempts as encrypt/trust/requireTls, announced]
    ['', undefined, ['on/trust/-', 'off/trust/- after TLS failure'], 'login-protected'],
    [
      ';Encrypt=False',
      'System.Data.SqlClient',
      ['on/trust/-', 'off/trust/- after TLS failure'],
      'login-protected',
    ],
    [';Encrypt=no', undefined, ['on/trust/-', 'off/trust/- after TLS failure'], 'login-protected'],
    [
      ';Encrypt=Optional',
      'Microsoft.Data.SqlClient',
      ['on/trust/-', 'off/trust/- after TLS failure'],
      'login-protected',
    ],
    ['', 'Microsoft.Data.SqlClient', ['on/validate/TLS'], 'encrypt-validated'],
    [';Encrypt=True', undefined, ['on/validate/TLS'], 'encrypt-validated'],
    [';Encrypt=Mandatory', 'Microsoft.Data.SqlClient', ['on/validate/TLS'], 'encrypt-validated'],
    [';Encrypt=yes;TrustServerCertificate=True', undefined, ['on/trust/TLS'], 'encrypt-trusted'],
    [';Encrypt=Strict', 'Microsoft.Data.SqlClient', ['strict/validate/-'], 'encrypt-validated'],
  ])(
    'Server=db01;…%s with provider %s: the attempts of the CRM’s own client',
    (extra, provider, want, first) => {
      const c = {
        ...conn(`Server=db01;Database=CRM;User Id=u;Password=p${extra}`),
        ...(provider ? { provider } : {}),
      };
      const plan = encryptionPlan(crmClientOf(c));
      const shown = plan.map(
        (a) =>
          `${a.encrypt === true ? 'on' : a.encrypt === false ? 'off' : a.encrypt}/${a.trustServerCertificate ? 'trust' : 'validate'}/${a.requireTls ? 'TLS' : '-'}${a.afterTlsFailure ? ' after TLS failure' : ''}`,
      );
      expect(shown).toEqual(want);
      expect(plan[0]?.announce).toBe(`sql.connection.attempt.${first}`);
    },
  );

  it('typed credentials have one attempt, validated unless the admin consented, whatever the string says', () => {
    const c = conn('Server=db01;Database=CRM;Integrated Security=SSPI;Encrypt=False');
    const typed = { kind: 'sql', user: 'sa', password: 'Segreta!1' } as const;
    expect(encryptionPlan(crmClientOf(c), typed)).toEqual([
      {
        announce: 'sql.connection.attempt.typed',
        encrypt: true,
        trustServerCertificate: false,
        requireTls: true,
      },
    ]);
    expect(encryptionPlan(crmClientOf(c), { ...typed, allowUnvalidatedCertificate: true })).toEqual([
      {
        announce: 'sql.connection.attempt.typed-unvalidated',
        encrypt: true,
        trustServerCertificate: true,
        requireTls: true,
      },
    ]);
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
    expect(JSON.stringify(ntlm.notes)).not.toContain('Segreta');
    expect(ntlm.notes).toContainEqual({
      key: 'sql.connection.typed-ntlm',
      params: { connection: 'Produzione', account: 'AZIENDA\\admin.crm' },
    });
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

  it('the restore: OFFLINE then ONLINE around RESTORE, names quoted, values only as parameters, no TRY/CATCH', () => {
    const quoted = quoteDatabaseName('we]ird');
    expect(takeOffline(quoted)).toBe('ALTER DATABASE [we]]ird] SET OFFLINE WITH ROLLBACK IMMEDIATE');
    expect(bringOnline(quoted)).toBe('ALTER DATABASE [we]]ird] SET ONLINE');
    expect(RESTORE_DATABASE).toBe(
      'RESTORE DATABASE @database FROM DISK = @path WITH FILE = @position, REPLACE, CHECKSUM, STATS = 5',
    );
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

/** A message as the admin reads it, in one language. */
function text(lang: 'it' | 'en', m: Message): string {
  const template: string = engineCatalog[lang][m.key];
  return template.replace(/{{(\w+)}}/g, (_, k: string) => String(m.params?.[k] ?? ''));
}
const remedy = (lang: 'it' | 'en', m: Message) =>
  text(lang, { ...m, key: `${m.key}.remedy` as Message['key'] });

describe('named instances of this server, with neither TCP/IP by default nor the SQL Server Browser (issue 14)', () => {
  const CRM = { user: 'crm', password: 'Crm!2024' };
  const server = useTdsServer({ logins: [CRM] });
  const named = (source: string): CrmConnection => ({
    name: 'Produzione',
    server: source,
    database: 'CRM',
    connectionString: `Data Source=${source};Initial Catalog=CRM;User ID=${CRM.user};Password=${CRM.password}`,
  });
  const logged: { level: string; message: Message }[] = [];
  const log = (level: string, message: Message) => void logged.push({ level, message });
  const asked: string[] = [];
  const registry =
    (answer: () => InstancePort) =>
    async (instance: string): Promise<InstancePort> => {
      asked.push(instance);
      return answer();
    };

  it.each(['.\\SQLEXPRESS', '(local)\\SQLEXPRESS', 'localhost\\sqlexpress'])(
    '%s is reached on the port its registry gives, through the real driver',
    async (source) => {
      logged.length = 0;
      asked.length = 0;
      server.on(/^SELECT 42/, { results: [{ columns: [{ name: 'v', type: 'int' }], rows: [[42]] }] });
      const connector = sqlConnector({
        instancePort: registry(() => ({ kind: 'port', port: server.port, value: 'TcpDynamicPorts' })),
        hostname: 'SRV-CRM',
        log,
      });
      const pool = await connector.open(named(source));
      try {
        expect((await pool.request().query('SELECT 42 AS v')).recordset).toEqual([{ v: 42 }]);
      } finally {
        await pool.close();
      }
      expect(asked.map((i) => i.toUpperCase())).toEqual(['SQLEXPRESS']);
      expect(server.logins.length).toBeGreaterThan(0);
      expect(server.logins.every((l) => l.user === 'crm' && l.ok)).toBe(true);
      expect(logged.map((l) => l.message)).toContainEqual({
        key: 'sql.connection.instance-port',
        params: expect.objectContaining({ instance: asked[0], port: server.port, value: 'TcpDynamicPorts' }),
      });
    },
  );

  it('TCP/IP disabled: nothing is sent, and the finding names the fix in both languages', async () => {
    const connector = sqlConnector({
      instancePort: registry(() => ({ kind: 'tcp-disabled' })),
      hostname: 'SRV-CRM',
    });
    const error = await connector.open(named('.\\SQLEXPRESS')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UpgradeError);
    const finding = (error as UpgradeError).message_;
    expect(finding).toMatchObject({ key: 'sql.instance-tcp-disabled', params: { instance: 'SQLEXPRESS' } });
    expect(remedy('en', finding)).toContain(
      'Enable TCP/IP for SQLEXPRESS in SQL Server Configuration Manager, then restart the service',
    );
    expect(remedy('it', finding)).toContain(
      'Attiva TCP/IP per SQLEXPRESS in Gestione configurazione SQL Server, poi riavvia il servizio',
    );
    expect(server.handshakes).toEqual([]);
  });

  it('TCP/IP enabled but no port recorded yet: restart the service', async () => {
    const connector = sqlConnector({
      instancePort: registry(() => ({ kind: 'no-port' })),
      hostname: 'SRV-CRM',
    });
    await expect(connector.open(named('.\\SQLEXPRESS'))).rejects.toMatchObject({
      message_: { key: 'sql.instance-port-unknown' },
    });
  });

  it('after the instance restarts on another dynamic port, the registry is read again', async () => {
    const first = await TdsTestServer.start({ logins: [CRM] });
    let port = first.port;
    const connector = sqlConnector({
      instancePort: registry(() => ({ kind: 'port', port, value: 'TcpDynamicPorts' })),
      hostname: 'SRV-CRM',
    });
    await (await connector.open(named('.\\SQLEXPRESS'))).close();
    await first.close();
    port = server.port;
    asked.length = 0;
    const pool = await connector.open(named('.\\SQLEXPRESS'));
    await pool.close();
    expect(asked).toEqual(['SQLEXPRESS']);
    expect(server.logins.length).toBeGreaterThan(0);
    expect(server.logins.every((l) => l.user === 'crm' && l.ok)).toBe(true);
  });

  it('HOST\\INSTANCE is this server by its name; another server keeps its SQL Server Browser', async () => {
    logged.length = 0;
    asked.length = 0;
    const deps = {
      instancePort: registry(() => ({ kind: 'port', port: 50123, value: 'TcpPort' }) as const),
      hostname: 'SRV-CRM',
      log,
    };
    const here = toMssqlConfig(named('srv-crm.azienda.local\\SQLEXPRESS')).config;
    await routeToInstance(named('x'), here, deps);
    expect(here).toMatchObject({ server: 'srv-crm.azienda.local', port: 50123 });
    expect(here.options?.instanceName).toBeUndefined();

    const elsewhere = toMssqlConfig(named('DB01\\SQL2019')).config;
    await routeToInstance(named('x'), elsewhere, deps);
    expect(elsewhere.options?.instanceName).toBe('SQL2019');
    expect(elsewhere.port).toBeUndefined();
    expect(asked).toEqual(['SQLEXPRESS']);
    expect(logged.at(-1)?.message).toEqual({
      key: 'sql.connection.browser',
      params: { connection: 'Produzione', instance: 'SQL2019', server: 'DB01' },
    });
  });

  it.each([
    ['SRV-CRM', true],
    ['srv-crm', true],
    ['SRV-CRM.azienda.local', true],
    ['localhost', true],
    ['127.0.0.1', true],
    ['SRV-CRM2', false],
    ['DB01', false],
    ['srv-crm-db.azienda.local', false],
  ])('%s is this server (SRV-CRM.azienda.local): %s', (name, here) => {
    expect(isThisServer(name, 'SRV-CRM.azienda.local')).toBe(here);
  });

  it.each([
    [{ instanceId: null, tcpEnabled: null }, { kind: 'not-installed' }],
    [{ instanceId: 'MSSQL16.SQLEXPRESS', tcpEnabled: false, tcpDynamicPorts: '0' }, { kind: 'tcp-disabled' }],
    [
      { instanceId: 'MSSQL16.SQLEXPRESS', tcpEnabled: true, tcpPort: '', tcpDynamicPorts: '0' },
      { kind: 'no-port' },
    ],
    [
      { instanceId: 'MSSQL16.SQLEXPRESS', tcpEnabled: true, tcpPort: '', tcpDynamicPorts: '49721' },
      { kind: 'port', port: 49721, value: 'TcpDynamicPorts' },
    ],
    [
      { instanceId: 'MSSQL12.CRM', tcpEnabled: true, tcpPort: '1433,1500', tcpDynamicPorts: '49721' },
      { kind: 'port', port: 1433, value: 'TcpPort' },
    ],
  ])('the registry %j gives %j', (found, want) => {
    expect(instancePortOf({ listenOnAllIPs: true, addresses: 'IPAll', ...found })).toEqual(want);
  });

  it('a named instance the Browser does not answer for is named, with its server', () => {
    const lookup = Object.assign(new Error('Failed to get response from SQL Server Browser on DB01'), {
      code: 'EINSTLOOKUP',
    });
    const e = toUpgradeError(lookup, { connection: 'Produzione', instance: 'SQL2019', server: 'DB01' });
    expect(e.message_).toEqual({
      key: 'sql.instance-lookup-failed',
      params: { connection: 'Produzione', instance: 'SQL2019', server: 'DB01' },
    });
    expect(remedy('en', e.message_)).toContain('start the "SQL Server Browser" service');
  });
});
