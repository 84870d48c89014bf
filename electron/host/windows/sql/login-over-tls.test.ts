import sql from 'mssql';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useTdsServer } from '../../../testing/tds';
import { TdsTestServer, type TdsEncryptionOptions } from '../../../testing/tds/server';
import type { CrmConnection } from '../../../core/ports';
import { engineCatalog } from '../../../shared/i18n';
import type { Message } from '../../../shared/message';
import type { SqlCredentials } from '../../../shared/sql-credentials';
import { sqlConnector, toMssqlConfig } from './connection-config';
import { windowsDatabases } from './databases';
import { toUpgradeError } from './errors';

// The TDS test server answers PRELOGIN with "encryption not supported": exactly what a man in
// the middle answers to have the login, and the password in it, sent in clear.
const ADMIN = { user: 'admin.crm', password: 'Segreta!1' };
const CRM = { user: 'crm', password: 'Crm!2024' };
const server = useTdsServer({ logins: [ADMIN, CRM] });

const windowsAuth = (extra = '', port = server.port): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${port}`,
  database: 'CRM_PROD',
  connectionString: `Data Source=127.0.0.1,${port};Initial Catalog=CRM_PROD;Integrated Security=SSPI${extra}`,
});

/** web.config's own SQL login, as the CRM connects with it. */
const webConfig = (port: number, extra = '', provider?: string): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${port}`,
  database: 'CRM_PROD',
  connectionString: `Data Source=127.0.0.1,${port};Initial Catalog=CRM_PROD;User ID=${CRM.user};Password=${CRM.password}${extra}`,
  ...(provider ? { provider } : {}),
});

/** A TDS test server with the given encryption, for the tests of one describe. */
function useEncryptingServer(options: TdsEncryptionOptions): () => TdsTestServer {
  let started: TdsTestServer | undefined;
  beforeAll(async () => {
    started = await TdsTestServer.start({ logins: [ADMIN, CRM], ...options });
  });
  afterAll(() => started?.close());
  beforeEach(() => started?.reset());
  return () => {
    if (!started) throw new Error('the server starts in beforeAll');
    return started;
  };
}

const ANSWER_42 = { results: [{ columns: [{ name: 'v', type: 'int' as const }], rows: [[42]] }] };

function recorder() {
  const lines: { level: string; message: Message }[] = [];
  return {
    lines,
    log: (level: 'info' | 'warn' | 'error', message: Message) => void lines.push({ level, message }),
    keys: () => lines.map((l) => l.message.key),
  };
}

/** Opens the connection as the host does, runs one query, closes; the log is returned. */
async function connectAndQuery(c: CrmConnection, credentials?: SqlCredentials) {
  const rec = recorder();
  const pool = await sqlConnector({ log: rec.log, credentials: () => credentials }).open(c);
  try {
    expect((await pool.request().query('SELECT 42 AS v')).recordset).toEqual([{ v: 42 }]);
  } finally {
    await pool.close();
  }
  return rec;
}

const refusal = (c: CrmConnection, credentials?: SqlCredentials) =>
  sqlConnector({ credentials: () => credentials })
    .open(c)
    .then(
      () => {
        throw new Error('connected');
      },
      (err: unknown) => err as { message_: Message; detail?: string },
    );

const remedyText = (m: Message) =>
  engineCatalog.en[`${m.key}.remedy` as Message['key']].replace(/{{(\w+)}}/g, (_, k: string) =>
    String(m.params?.[k] ?? ''),
  );

describe('credentials the admin typed', () => {
  it.each([
    ['web.config says nothing about encryption', '', false],
    ['web.config was edited to turn encryption off', ';Encrypt=False;TrustServerCertificate=True', false],
    ['the admin consented to an unvalidated certificate', '', true],
  ])('are never sent to a server that does not negotiate TLS (%s)', async (_case, extra, consent) => {
    const typed: SqlCredentials = { kind: 'sql', ...ADMIN, allowUnvalidatedCertificate: consent };
    const db = windowsDatabases({ credentials: () => typed });
    try {
      await expect(db.queryValue(windowsAuth(extra), 'SELECT 42 AS v')).rejects.toMatchObject({
        message_: { key: 'sql.login-without-encryption', params: { connection: 'Produzione' } },
      });
      expect(server.logins).toEqual([]);
    } finally {
      await db.close();
    }
  });

  it('require a validated certificate, whatever web.config says, unless the admin consented', () => {
    const typed: SqlCredentials = { kind: 'sql', ...ADMIN };
    for (const extra of ['', ';Encrypt=False', ';Encrypt=True;TrustServerCertificate=True']) {
      const { config } = toMssqlConfig(windowsAuth(extra), typed);
      expect(config.options).toMatchObject({ encrypt: true, trustServerCertificate: false });
    }
    const consented = toMssqlConfig(windowsAuth(), { ...typed, allowUnvalidatedCertificate: true });
    expect(consented.config.options).toMatchObject({ encrypt: true, trustServerCertificate: true });
  });

  it("web.config's own login keeps working with a server without TLS (nothing typed to protect)", async () => {
    server.on(/^SELECT 42/, ANSWER_42);
    const rec = await connectAndQuery(webConfig(server.port, ';Encrypt=false'));
    // As the CRM's client: the server offers no encryption, the login goes as it would for the CRM.
    expect(rec.keys()).toEqual(['sql.connection.attempt.login-protected', 'sql.connection.opened-clear']);
    expect(server.handshakes[0]).toMatchObject({ clientAsked: 'ON', answered: 'NOT_SUP', loginInTls: false });
  });

  it('a certificate that does not validate is named as such, with its reason', () => {
    // The chain mssql hands over: its ConnectionError → tedious's ConnectionError → the TLS error.
    const tls = Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' });
    const tedious = Object.assign(new Error('Failed to connect to db01:1433 - self-signed certificate'), {
      code: 'ESOCKET',
      cause: tls,
    });
    const mssql = Object.assign(new Error(tedious.message), { code: 'ESOCKET', originalError: tedious });
    expect(toUpgradeError(mssql, { connection: 'Produzione' }).message_).toEqual({
      key: 'sql.certificate-untrusted',
      params: { connection: 'Produzione', detail: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    });
    const altname = Object.assign(new Error('x'), {
      code: 'ESOCKET',
      cause: { code: 'ERR_TLS_CERT_ALTNAME_INVALID' },
    });
    expect(toUpgradeError(altname, { connection: 'P' }).message_.key).toBe('sql.certificate-untrusted');
    const refused = Object.assign(new Error('connect ECONNREFUSED'), {
      code: 'ESOCKET',
      cause: { code: 'ECONNREFUSED' },
    });
    expect(toUpgradeError(refused, { connection: 'P' }).message_.key).toBe('sql.connect-failed');
  });
});

describe('a server that leaves encryption OFF when asked for it', () => {
  const off = useEncryptingServer({ encryption: 'off' });

  it('never has the typed password, and the answer is recorded', async () => {
    const e = await refusal(windowsAuth('', off().port), { kind: 'sql', ...ADMIN });
    expect(e.message_).toMatchObject({ key: 'sql.login-without-encryption' });
    expect(off().logins).toEqual([]);
    expect(off().handshakes).toMatchObject([{ clientAsked: 'ON', answered: 'OFF', tls: 'none' }]);
  });
});

describe('a server with a self-signed certificate (the SQL Server default, TLS 1.2)', () => {
  const tls12 = useEncryptingServer({ encryption: 'on' });

  it('gets typed credentials only inside TLS, and only once the admin accepted the certificate', async () => {
    const typed: SqlCredentials = { kind: 'sql', ...ADMIN };
    const e = await refusal(windowsAuth('', tls12().port), typed);
    expect(e.message_).toMatchObject({ key: 'sql.certificate-untrusted' });
    expect(e.message_.params?.detail).toMatch(/SELF_SIGNED|self-signed/i);
    expect(tls12().logins).toEqual([]);

    tls12().on(/^SELECT 42/, ANSWER_42);
    const rec = await connectAndQuery(windowsAuth('', tls12().port), {
      ...typed,
      allowUnvalidatedCertificate: true,
    });
    expect(rec.keys()).toContain('sql.connection.attempt.typed-unvalidated');
    expect(rec.lines.map((l) => l.message)).toContainEqual({
      key: 'sql.connection.opened-encrypted',
      params: expect.objectContaining({ attempt: 1, protocol: 'TLSv1.2' }),
    });
    expect(tls12().logins.filter((l) => l.user === ADMIN.user).length).toBeGreaterThan(0);
    const logins = tls12().handshakes.filter((h) => h.loginInTls !== undefined);
    expect(logins.length).toBeGreaterThan(0);
    expect(logins.every((h) => h.loginInTls === true && h.protocol === 'TLSv1.2')).toBe(true);
  });

  it('is validated for Microsoft.Data.SqlClient, whose Encrypt is on by default: the CRM would fail too', async () => {
    const e = await refusal(webConfig(tls12().port, '', 'Microsoft.Data.SqlClient'));
    expect(e.message_).toMatchObject({ key: 'sql.certificate-untrusted' });
    tls12().on(/^SELECT 42/, ANSWER_42);
    const rec = await connectAndQuery(
      webConfig(tls12().port, ';TrustServerCertificate=True', 'Microsoft.Data.SqlClient'),
    );
    expect(rec.keys()).toEqual(['sql.connection.attempt.encrypt-trusted', 'sql.connection.opened-encrypted']);
  });
});

describe('Microsoft.Data.SqlClient against a server that offers no encryption', () => {
  it('sends no login: its Encrypt default requires TLS, so the CRM could not connect either', async () => {
    const e = await refusal(webConfig(server.port, '', 'Microsoft.Data.SqlClient'));
    expect(e.message_).toEqual({ key: 'sql.encryption-not-offered', params: { connection: 'Produzione' } });
    expect(server.logins).toEqual([]);
  });
});

describe('a server that forces encryption while the string says Encrypt=False (issue 14)', () => {
  const forced = useEncryptingServer({ encryption: 'required' });

  it('is met with an encrypted connection, as System.Data.SqlClient does, and the log says so', async () => {
    forced().on(/^SELECT 42/, ANSWER_42);
    const rec = recorder();
    const db = windowsDatabases({ log: rec.log });
    try {
      expect(await db.queryValue(webConfig(forced().port, ';Encrypt=False'), 'SELECT 42 AS v')).toBe('42');
    } finally {
      await db.close();
    }
    expect(rec.keys().slice(0, 2)).toEqual([
      'sql.connection.attempt.login-protected',
      'sql.connection.opened-encrypted',
    ]);
    expect(forced().handshakes[0]).toMatchObject({
      clientAsked: 'ON',
      answered: 'REQ',
      tls: 'established',
      protocol: 'TLSv1.2',
      loginInTls: true,
    });
  });

  it("EENCRYPT, tedious's refusal when it does not encrypt, has its own finding", async () => {
    const pool = new sql.ConnectionPool({
      server: '127.0.0.1',
      port: forced().port,
      user: CRM.user,
      password: CRM.password,
      options: { encrypt: false, trustServerCertificate: true },
    });
    const err = await pool.connect().then(
      () => null,
      (e: unknown) => e,
    );
    await pool.close().catch(() => undefined);
    const mapped = toUpgradeError(err, { connection: 'Produzione' });
    expect(mapped.message_).toEqual({ key: 'sql.encryption-forced', params: { connection: 'Produzione' } });
    expect(remedyText(mapped.message_)).toContain('KB3135244');
  });
});

describe('SQL Server 2012/2014 without the TLS 1.2 update (TLS 1.0 only)', () => {
  const TLS10 = { min: 'TLSv1', max: 'TLSv1' } as const;
  const old = useEncryptingServer({ encryption: 'on', tlsVersions: TLS10 });
  const oldForced = useEncryptingServer({ encryption: 'required', tlsVersions: TLS10 });

  it("web.config's own login: TLS fails ('unsupported protocol'), then unencrypted as the CRM's client, each step logged", async () => {
    old().on(/^SELECT 42/, ANSWER_42);
    const rec = await connectAndQuery(webConfig(old().port));
    expect(rec.lines.map((l) => [l.level, l.message.key])).toEqual([
      ['info', 'sql.connection.attempt.login-protected'],
      ['warn', 'sql.connection.attempt-failed'],
      ['warn', 'sql.connection.attempt.unencrypted'],
      ['info', 'sql.connection.opened-clear'],
    ]);
    expect(rec.lines[1]?.message.params).toMatchObject({ attempt: 1, reason: 'unsupported protocol' });
    const [first, ...then] = old().handshakes.map((h) => [h.clientAsked, h.answered, h.tls, h.loginInTls]);
    expect(first).toEqual(['ON', 'ON', 'failed', undefined]);
    expect(then.length).toBeGreaterThan(0); // mssql's pool may open more than one
    expect(then.every((h) => h.join() === ['NOT_SUP', 'NOT_SUP', 'none', false].join())).toBe(true);
  });

  it('typed credentials: no second attempt, and the finding names the TLS 1.2 update', async () => {
    const e = await refusal(windowsAuth('', old().port), { kind: 'sql', ...ADMIN });
    expect(e.message_).toEqual({
      key: 'sql.tls-negotiation-failed',
      params: { connection: 'Produzione', reason: 'unsupported protocol' },
    });
    expect(remedyText(e.message_)).toContain('KB3135244');
    expect(old().handshakes).toHaveLength(1);
    expect(old().logins).toEqual([]);
  });

  it('forcing encryption too: the TLS failure is the finding, and every attempt is in the detail', async () => {
    const e = await refusal(webConfig(oldForced().port));
    expect(e.message_).toEqual({
      key: 'sql.tls-negotiation-failed',
      params: { connection: 'Produzione', reason: 'unsupported protocol' },
    });
    expect(e.detail).toMatch(
      /attempt 1: [\s\S]*unsupported protocol[\s\S]* \|\| attempt 2: [\s\S]*requires encryption/,
    );
    expect(oldForced().logins).toEqual([]);
  });

  it.each([
    // A reply that is not TLS at all (OpenSSL), and Electron's BoringSSL spelling of the old-server case.
    [
      'error:0A00010B:SSL routines::wrong version number',
      'ERR_SSL_WRONG_VERSION_NUMBER',
      'wrong version number',
    ],
    [
      'error:100000f0:SSL routines:OPENSSL_internal:UNSUPPORTED_PROTOCOL',
      'ERR_SSL_UNSUPPORTED_PROTOCOL',
      'unsupported protocol',
    ],
    ['handshake ended', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE', 'ERR_SSL_NO_PROTOCOLS_AVAILABLE'],
  ])('other TLS negotiation failures have the same finding (%s)', (text, code, reason) => {
    const inner = Object.assign(new Error(text), { code });
    const tedious = Object.assign(new Error('Failed to connect to db01:1433'), {
      code: 'ESOCKET',
      cause: inner,
    });
    const mssql = Object.assign(new Error('Failed to connect to db01:1433'), {
      code: 'ESOCKET',
      originalError: tedious,
    });
    expect(toUpgradeError(mssql, { connection: 'P' }).message_).toEqual({
      key: 'sql.tls-negotiation-failed',
      params: { connection: 'P', reason },
    });
  });
});
