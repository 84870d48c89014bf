/**
 * The TDS test server's database states (issue 14's restore), through the real mssql driver: a
 * USE is held as SQL Server holds it, and ROLLBACK IMMEDIATE's dropped sessions can be played.
 */
import sql from 'mssql';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TdsTestServer } from './index';

const SA = { user: 'sa', password: 'Secret!1' };
let server: TdsTestServer;
const pools: sql.ConnectionPool[] = [];

async function connect(database = 'master'): Promise<sql.ConnectionPool> {
  const pool = new sql.ConnectionPool({
    server: '127.0.0.1',
    port: server.port,
    user: SA.user,
    password: SA.password,
    database,
    connectionTimeout: 15_000,
    requestTimeout: 15_000,
    pool: { min: 0, max: 1 },
    options: { encrypt: false, trustServerCertificate: true },
  });
  pools.push(pool);
  await pool.connect();
  return pool;
}

beforeEach(async () => {
  server = await TdsTestServer.start({ logins: [SA] });
});

afterEach(async () => {
  await Promise.all(pools.splice(0).map((p) => p.close().catch(() => undefined)));
  await server.close();
});

describe('database states', () => {
  it('ONLINE and MULTI_USER unless set; a USE to an offline or restoring database is refused', async () => {
    expect(server.databaseState('CRM')).toEqual({ state: 'ONLINE', access: 'MULTI_USER' });
    const pool = await connect();
    server.setDatabaseState('CRM', { state: 'OFFLINE' });
    await expect(pool.request().batch('USE [CRM]')).rejects.toMatchObject({ number: 942 });
    server.setDatabaseState('crm', { state: 'RESTORING' });
    await expect(pool.request().batch('USE [CRM]')).rejects.toMatchObject({ number: 927 });
    expect(server.databaseState('CRM')).toEqual({ state: 'RESTORING', access: 'MULTI_USER' });
    server.setDatabaseState('CRM', { state: 'ONLINE' });
    await pool.request().batch('USE [CRM]');
    expect(server.sessionsIn('CRM')).toHaveLength(1);
    server.reset();
    expect(server.databaseState('CRM').state).toBe('ONLINE');
  });

  it('a login naming a database that is offline or restoring is refused (4060, then 18456)', async () => {
    server.setDatabaseState('CRM', { state: 'RESTORING' });
    await expect(connect('CRM')).rejects.toMatchObject({ code: 'ELOGIN' });
    expect(server.logins.map((l) => [l.database, l.ok])).toEqual([['CRM', false]]);
    server.setDatabaseState('CRM', { state: 'ONLINE' });
    await connect('CRM');
  });

  it('single-user: the first connection in takes the slot, a second is refused with 924', async () => {
    server.setDatabaseState('CRM', { access: 'SINGLE_USER' });
    const first = await connect();
    const second = await connect();
    await first.request().batch('USE [CRM]');
    await expect(second.request().batch('USE [CRM]')).rejects.toMatchObject({ number: 924 });
    await first.request().batch('USE master');
    await second.request().batch('USE [CRM]');
    expect(server.sessionsIn('CRM')).toHaveLength(1);
  });

  it('dropSessionsIn ends the other connections in a database, as ROLLBACK IMMEDIATE does', async () => {
    const ssms = await connect();
    await ssms.request().batch('USE [CRM]');
    const restorer = await connect();
    await restorer.request().batch('USE master');
    const [restorerId] = server.sessionsIn('master');
    expect(server.sessionsIn('CRM')).toHaveLength(1);
    expect(await server.dropSessionsIn('CRM', restorerId)).toBe(1);
    expect(await server.dropSessionsIn('CRM', restorerId)).toBe(0);
    expect(server.sessionsIn('CRM')).toEqual([]);
    // The one that ran it stays, in its own database.
    await restorer.request().batch('USE master');
    expect(server.sessionsIn('master')).toEqual([restorerId]);
  });
});
