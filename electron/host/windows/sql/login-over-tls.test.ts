import { describe, expect, it } from 'vitest';
import { useTdsServer } from '../../../testing/tds';
import type { CrmConnection } from '../../../core/ports';
import type { SqlCredentials } from '../../../shared/sql-credentials';
import { toMssqlConfig } from './connection-config';
import { windowsDatabases } from './databases';
import { toUpgradeError } from './errors';

// The TDS test server answers PRELOGIN with "encryption not supported": exactly what a man in
// the middle answers to have the login, and the password in it, sent in clear.
const ADMIN = { user: 'admin.crm', password: 'Segreta!1' };
const server = useTdsServer({ logins: [ADMIN] });

const windowsAuth = (extra = ''): CrmConnection => ({
  name: 'Produzione',
  server: `127.0.0.1,${server.port}`,
  database: 'CRM_PROD',
  connectionString: `Data Source=127.0.0.1,${server.port};Initial Catalog=CRM_PROD;Integrated Security=SSPI${extra}`,
});

describe('credentials the admin typed', () => {
  it.each([
    ['web.config says nothing about encryption', '', false],
    ['web.config was edited to turn encryption off', ';Encrypt=False;TrustServerCertificate=True', false],
    ['the admin consented to an unvalidated certificate', '', true],
  ])('are never sent to a server that does not negotiate TLS (%s)', async (_case, extra, consent) => {
    const typed: SqlCredentials = { kind: 'sql', ...ADMIN, allowUnvalidatedCertificate: consent };
    const db = windowsDatabases({ credentials: () => typed });
    try {
      await expect(db.permissions(windowsAuth(extra))).rejects.toMatchObject({
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
    expect(consented.notes.join(' ')).toContain('NOT validated');
  });

  it("web.config's own login keeps working with a server without TLS (nothing typed to protect)", async () => {
    const own: CrmConnection = {
      ...windowsAuth(),
      connectionString: `Data Source=127.0.0.1,${server.port};Initial Catalog=CRM_PROD;User ID=${ADMIN.user};Password=${ADMIN.password};Encrypt=false`,
    };
    server.on(/IS_SRVROLEMEMBER/, {
      results: [{ columns: [{ name: 'sysadmin', type: 'int' }], rows: [[1]] }],
    });
    const db = windowsDatabases({});
    try {
      expect((await db.permissions(own)).sysadmin).toBe(true);
    } finally {
      await db.close();
    }
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
