/**
 * The TDS test server driven by the real mssql package (and its tedious driver) over a
 * loopback socket: what a test scripts is what the app's SQL code will see.
 */
import net from 'node:net';
import sql from 'mssql';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { TdsTestServer } from './index';
import { decodeLogin7, deobfuscatePassword, obfuscatePassword } from './login';
import { MessageAssembler, PacketType, PacketWriter } from './packets';
import { parseParamDefinitions } from './requests';

const SA = { user: 'sa', password: 'Secret!1' };
const APP = { user: 'crm_app', password: 'p;w{d}=1', database: 'CRM' };

let server: TdsTestServer;
const pools: sql.ConnectionPool[] = [];

function config(overrides: Partial<sql.config> = {}): sql.config {
  return {
    server: '127.0.0.1',
    port: server.port,
    user: SA.user,
    password: SA.password,
    database: 'master',
    // Safety nets for a loaded machine, not expectations: the tests about timeouts set their own.
    connectionTimeout: 15_000,
    requestTimeout: 15_000,
    pool: { min: 0, max: 1 },
    ...overrides,
    options: { encrypt: false, trustServerCertificate: true, ...overrides.options },
  };
}

async function connect(overrides: Partial<sql.config> | string = {}): Promise<sql.ConnectionPool> {
  const pool = new sql.ConnectionPool(typeof overrides === 'string' ? overrides : config(overrides));
  pools.push(pool);
  await pool.connect();
  return pool;
}

/** mssql adds precedingErrors to a RequestError; its typings do not declare it. */
type RequestErrorWithPreceding = sql.RequestError & { precedingErrors?: sql.RequestError[] };

beforeEach(async () => {
  server = await TdsTestServer.start({ logins: [SA, APP] });
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(pools.splice(0).map((p) => p.close().catch(() => undefined)));
  await server.close();
});

describe('TdsTestServer with the real mssql driver', () => {
  it('logs in and returns result sets of several column types, with NULLs', async () => {
    server.on(/^SELECT @@VERSION/i, {
      results: [{ columns: [{ name: 'v', type: 'nvarchar' }], rows: [['Microsoft SQL Server 2019 (RTM)']] }],
    });
    const at = new Date('2024-05-06T07:08:09.123Z');
    const guid = '6F9619FF-8B86-D011-B42D-00C04FC964FF';
    server.on('FROM dbo.Things', {
      results: [
        {
          columns: [
            { name: 'id', type: 'int' },
            { name: 'big', type: 'bigint' },
            { name: 'flag', type: 'bit' },
            { name: 'name', type: 'nvarchar(50)' },
            { name: 'notes', type: 'nvarchar(max)' },
            { name: 'ratio', type: 'float' },
            { name: 'at', type: 'datetime2(3)' },
            { name: 'legacy', type: 'datetime' },
            { name: 'uid', type: 'uniqueidentifier' },
            { name: 'amount', type: 'decimal(10, 2)' },
            { name: 'code', type: 'varchar(10)' },
            { name: 'blob', type: 'varbinary(max)' },
          ],
          rows: [
            [
              1,
              9007199254740993n,
              true,
              'Zoë',
              'x'.repeat(5000),
              0.25,
              at,
              at,
              guid,
              '1234.56',
              'abc',
              Buffer.from([1, 2, 3]),
            ],
            [2, null, null, null, null, null, null, null, null, null, null, null],
          ],
        },
      ],
    });
    const pool = await connect();

    const version = await pool.request().query('SELECT @@VERSION AS v');
    expect(version.recordset).toEqual([{ v: 'Microsoft SQL Server 2019 (RTM)' }]);

    const things = await pool.request().query('SELECT * FROM dbo.Things');
    expect(things.recordset).toEqual([
      {
        id: 1,
        big: '9007199254740993', // tedious returns bigint as a string
        flag: true,
        name: 'Zoë',
        notes: 'x'.repeat(5000),
        ratio: 0.25,
        at,
        legacy: new Date('2024-05-06T07:08:09.123Z'),
        uid: guid,
        amount: 1234.56,
        code: 'abc',
        blob: Buffer.from([1, 2, 3]),
      },
      {
        id: 2,
        big: null,
        flag: null,
        name: null,
        notes: null,
        ratio: null,
        at: null,
        legacy: null,
        uid: null,
        amount: null,
        code: null,
        blob: null,
      },
    ]);
    expect(things.rowsAffected).toEqual([2]);

    // mssql's connect() opens (and closes) a probe connection before the pool's own.
    expect(server.logins.length).toBeGreaterThanOrEqual(1);
    expect(server.logins[0]).toMatchObject({
      user: 'sa',
      password: 'Secret!1',
      database: 'master',
      appName: 'node-mssql',
      ok: true,
    });
    expect(server.requests.map((r) => r.sql)).toEqual(['SELECT @@VERSION AS v', 'SELECT * FROM dbo.Things']);
    expect(server.unhandled).toEqual([]);
  });

  it('decodes sp_executesql parameters with their exact values and types', async () => {
    server.on(/FROM sys\.databases WHERE name = @db/, (req) => ({
      results: [
        { columns: [{ name: 'name', type: 'nvarchar(128)' }], rows: [[req.params.db?.value ?? null]] },
      ],
    }));
    const pool = await connect();
    const when = new Date('2023-01-02T03:04:05.678Z');
    const result = await pool
      .request()
      .input('db', sql.NVarChar, "we]ird 'name")
      .input('n', sql.Int, -42)
      .input('big', sql.BigInt, 1234567890123)
      .input('flag', sql.Bit, true)
      .input('missing', sql.NVarChar, null)
      .input('ascii', sql.VarChar(20), 'plain')
      .input('when', sql.DateTime2, when)
      .input('legacy', sql.DateTime, when)
      .input('uid', sql.UniqueIdentifier, '6f9619ff-8b86-d011-b42d-00c04fc964ff')
      .input('amount', sql.Decimal(10, 2), 12.5)
      .input('ratio', sql.Float, 1.5)
      .query('SELECT name FROM sys.databases WHERE name = @db');

    expect(result.recordset).toEqual([{ name: "we]ird 'name" }]);
    const req = server.requests.at(-1);
    expect(req).toMatchObject({ kind: 'rpc', procedure: 'sp_executesql', database: 'master', user: 'sa' });
    expect(req?.paramDefinitions).toContain('@db nvarchar(12)');
    expect(req?.params).toMatchObject({
      db: { type: 'nvarchar', value: "we]ird 'name", declaration: 'nvarchar(12)', output: false },
      n: { type: 'int', value: -42, declaration: 'int' },
      big: { type: 'bigint', value: 1234567890123n },
      flag: { type: 'bit', value: true },
      missing: { type: 'nvarchar', value: null },
      ascii: { type: 'varchar', value: 'plain', declaration: 'varchar(20)' },
      when: { type: 'datetime2', value: when },
      legacy: { type: 'datetime', value: new Date('2023-01-02T03:04:05.677Z') }, // 1/300 s ticks
      uid: { type: 'uniqueidentifier', value: '6F9619FF-8B86-D011-B42D-00C04FC964FF' },
      amount: { type: 'decimal', value: 12.5, declaration: 'decimal(10, 2)' },
      ratio: { type: 'float', value: 1.5 },
    });
  });

  it('reports rowsAffected for RPCs and batches', async () => {
    server.on(/^UPDATE/i, { rowsAffected: 3 });
    server.on(/^DELETE/i, { rowsAffected: [2, 5] });
    const pool = await connect();
    expect(
      (await pool.request().input('id', sql.Int, 7).query('UPDATE t SET x = 1 WHERE id = @id')).rowsAffected,
    ).toEqual([3]);
    expect((await pool.request().batch('UPDATE t SET x = 1')).rowsAffected).toEqual([3]);
    expect((await pool.request().query('DELETE a; DELETE b')).rowsAffected).toEqual([2, 5]);
    expect(server.requests.map((r) => r.kind)).toEqual(['rpc', 'batch', 'rpc']);
  });

  it("delivers info messages as the request's 'info' events, in order", async () => {
    server.on(/BACKUP DATABASE/i, {
      info: [
        { number: 3211, message: '10 percent processed.' },
        { number: 3211, message: '50 percent processed.' },
        { number: 3211, message: '100 percent processed.' },
        {
          number: 3014,
          message: 'BACKUP DATABASE successfully processed 417 pages in 0.054 seconds (60.200 MB/sec).',
        },
      ],
    });
    const pool = await connect();
    const request = pool.request();
    const infos: { number: number; message: string; class: number }[] = [];
    request.on('info', (info: { number: number; message: string; class: number }) => infos.push(info));
    await request.query("BACKUP DATABASE [CRM] TO DISK = N'C:\\backup\\crm.bak' WITH STATS = 10");
    expect(infos.map((i) => [i.number, i.message])).toEqual([
      [3211, '10 percent processed.'],
      [3211, '50 percent processed.'],
      [3211, '100 percent processed.'],
      [3014, 'BACKUP DATABASE successfully processed 417 pages in 0.054 seconds (60.200 MB/sec).'],
    ]);
    expect(infos.every((i) => i.class === 0)).toBe(true);
  });

  describe('slow replies, timeouts and attentions', () => {
    const slowBackup = {
      info: [
        { number: 3211, message: '50 percent processed.', delayMs: 150 },
        { number: 3211, message: '100 percent processed.', delayMs: 100 },
      ],
    };

    it('lets a reply outlive any timeout when requestTimeout is 0 (no attention)', async () => {
      server.on(/BACKUP DATABASE/i, slowBackup);
      const pool = await connect({ requestTimeout: 0 });
      const request = pool.request();
      const messages: string[] = [];
      request.on('info', (info: { message: string }) => messages.push(info.message));
      await request.query('BACKUP DATABASE [CRM] TO DISK = @path');
      expect(messages).toEqual(['50 percent processed.', '100 percent processed.']);
      expect(server.attentions).toBe(0);
    });

    it('times out with ETIMEOUT after an ATTENTION when the first output is later than requestTimeout', async () => {
      server.on(/BACKUP DATABASE/i, slowBackup);
      server.on(/^SELECT 2/, { results: [{ columns: [{ name: 'n', type: 'int' }], rows: [[2]] }] });
      const pool = await connect({ requestTimeout: 60 });
      await expect(pool.request().query('BACKUP DATABASE [CRM] TO DISK = @path')).rejects.toMatchObject({
        name: 'RequestError',
        code: 'ETIMEOUT',
      });
      expect(server.attentions).toBe(1);
      // The attention was acknowledged in step: the same connection answers the next request.
      expect((await pool.request().query('SELECT 2')).recordset).toEqual([{ n: 2 }]);
      expect(new Set(server.requests.map((r) => r.connectionId)).size).toBe(1);
    });

    it('does not time out once output has started (tedious stops its timer at the first packet)', async () => {
      server.on(/BACKUP DATABASE/i, {
        info: [
          { number: 3211, message: '0 percent processed.' },
          { number: 3211, message: '100 percent processed.', delayMs: 10_000 },
        ],
      });
      const pool = await connect({ requestTimeout: 1000 });
      // Both timers, tedious's and the server's pause, are fake: time moves on only once the
      // first message is in, so a slow machine cannot fire the request timer before it.
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      const request = pool.request();
      const first = new Promise((resolve) => request.once('info', resolve));
      const done = request.query('BACKUP DATABASE [CRM] TO DISK = @path');
      await first;
      await vi.advanceTimersByTimeAsync(10_000);
      vi.useRealTimers();
      await done;
      expect(server.attentions).toBe(0);
    });

    it('acknowledges a cancel of a reply that never completes', async () => {
      server.on(/WAITFOR/i, { info: [{ number: 1, message: 'started' }], done: false });
      const pool = await connect();
      const request = pool.request();
      const pending = request.query("WAITFOR DELAY '01:00:00'");
      await server.waitForRequest(/WAITFOR/i);
      setTimeout(() => request.cancel(), 20);
      await expect(pending).rejects.toMatchObject({ code: 'ECANCEL' });
      expect(server.attentions).toBe(1);
    });
  });

  it('rejects with the last error and lists the earlier ones in precedingErrors', async () => {
    server.on(/RESTORE VERIFYONLY/i, {
      errors: [
        {
          number: 3201,
          class: 16,
          state: 2,
          message:
            "Cannot open backup device 'C:\\backup\\crm.bak'. Operating system error 5(Access is denied.).",
        },
        { number: 3013, class: 16, message: 'VERIFY DATABASE is terminating abnormally.' },
      ],
    });
    const pool = await connect();
    const error = await pool
      .request()
      .query("RESTORE VERIFYONLY FROM DISK = N'C:\\backup\\crm.bak'")
      .then(
        () => undefined,
        (err: unknown) => err as RequestErrorWithPreceding,
      );
    expect(error).toBeInstanceOf(sql.RequestError);
    expect(error).toMatchObject({
      number: 3013,
      class: 16,
      message: 'VERIFY DATABASE is terminating abnormally.',
      serverName: 'TDSTEST',
    });
    expect(error?.precedingErrors?.map((e) => [e.number, e.state])).toEqual([[3201, 2]]);
    expect(error?.precedingErrors?.[0]?.message).toContain('Operating system error 5(Access is denied.)');
  });

  it('answers unscripted SQL with a clear error and lists it in unhandled', async () => {
    const pool = await connect();
    await expect(pool.request().query('SELECT nope FROM nowhere')).rejects.toMatchObject({
      number: 50000,
      message: 'TdsTestServer: no handler for: SELECT nope FROM nowhere',
    });
    expect(server.unhandled.map((r) => r.sql)).toEqual(['SELECT nope FROM nowhere']);
  });

  it('turns a scripting mistake into an error the test can see', async () => {
    server.on('bad', { results: [{ columns: [{ name: 'n', type: 'int' }], rows: [['not a number']] }] });
    const pool = await connect();
    await expect(pool.request().query('SELECT bad')).rejects.toThrow(
      /row 0, column 'n': expected an integer/,
    );
  });

  it('fails a wrong password with ELOGIN and the server message', async () => {
    await expect(connect({ password: 'wrong' })).rejects.toMatchObject({
      name: 'ConnectionError',
      code: 'ELOGIN',
      message: "Login failed for user 'sa'.",
    });
    await expect(connect({ user: 'nobody' })).rejects.toMatchObject({ code: 'ELOGIN' });
    expect(server.logins.map((l) => [l.user, l.ok])).toEqual([
      ['sa', false],
      ['nobody', false],
    ]);
  });

  it('fails a refused connection with ESOCKET', async () => {
    const closed = net.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const address = closed.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await expect(connect({ port })).rejects.toMatchObject({ name: 'ConnectionError', code: 'ESOCKET' });
  });

  it('fails cleanly, without hanging, when the server drops the connection mid-response', async () => {
    server.on(/RESTORE DATABASE/i, {
      info: [{ number: 3211, message: '10 percent processed.' }],
      closeConnection: true,
    });
    const pool = await connect();
    const request = pool.request();
    const messages: string[] = [];
    request.on('info', (info: { message: string }) => messages.push(info.message));
    // A hang would outlast the test's timeout (tedious stopped its request timer at the first message).
    await expect(request.query('RESTORE DATABASE [CRM] FROM DISK = @path')).rejects.toMatchObject({
      name: 'RequestError',
      code: 'ECONNRESET', // tedious: 'socket hang up'
    });
    expect(messages).toEqual(['10 percent processed.']);
  });

  it('reassembles requests split over several packets', async () => {
    server.on(/^SELECT 'long'/, (req) => ({
      results: [{ columns: [{ name: 'len', type: 'int' }], rows: [[req.sql.length]] }],
    }));
    server.on(/@payload/, (req) => ({
      results: [
        { columns: [{ name: 'echo', type: 'nvarchar(max)' }], rows: [[req.params.payload?.value ?? null]] },
      ],
    }));
    const pool = await connect();
    const filler = Array.from({ length: 900 }, (_, i) => `/* line ${i} ü */`).join('\n');
    const longSql = `SELECT 'long'\n${filler}`;
    expect(Buffer.byteLength(longSql, 'utf16le')).toBeGreaterThan(8 * 1024 * 3);

    expect((await pool.request().batch(longSql)).recordset).toEqual([{ len: longSql.length }]);
    expect((await pool.request().query(longSql)).recordset).toEqual([{ len: longSql.length }]);

    const payload = Array.from(
      { length: 12000 },
      (_, i) => String.fromCharCode(0x41 + (i % 26)) + (i % 97 === 0 ? 'ж' : ''),
    ).join('');
    const echoed = await pool
      .request()
      .input('payload', sql.NVarChar(sql.MAX), payload)
      .query('SELECT @payload AS echo');
    expect(echoed.recordset).toEqual([{ echo: payload }]);
    const req = server.requests.at(-1);
    expect(req?.params.payload).toMatchObject({
      type: 'nvarchar',
      declaration: 'nvarchar(max)',
      value: payload,
    });
    expect(server.requests.slice(0, 2).map((r) => [r.kind, r.sql === longSql])).toEqual([
      ['batch', true],
      ['rpc', true],
    ]);
  });

  it('serves two pools concurrently, each connection with its own database', async () => {
    server.on(/^SELECT DB_NAME\(\)/i, async (req) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return {
        results: [
          {
            columns: [
              { name: 'db', type: 'nvarchar(128)' },
              { name: 'user', type: 'nvarchar(128)' },
            ],
            rows: [[req.database, req.user]],
          },
        ],
      };
    });
    const master = await connect({ pool: { min: 0, max: 3 } });
    const crm = await connect({
      user: APP.user,
      password: APP.password,
      database: undefined,
      pool: { min: 0, max: 3 },
    });

    const rows = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 === 0 ? master : crm).request().query('SELECT DB_NAME() AS db, SUSER_NAME() AS [user]'),
      ),
    );
    expect(rows.map((r) => r.recordset[0])).toEqual(
      Array.from({ length: 6 }, (_, i) =>
        i % 2 === 0 ? { db: 'master', user: 'sa' } : { db: 'CRM', user: 'crm_app' },
      ),
    );
    expect(server.logins.filter((l) => l.ok).length).toBeGreaterThanOrEqual(2);

    // USE changes the database of that one connection only.
    const single = await connect({ pool: { min: 0, max: 1 } });
    await single.request().batch('USE [tempdb]');
    expect((await single.request().query('SELECT DB_NAME() AS db, 1 AS [user]')).recordset[0]).toMatchObject({
      db: 'tempdb',
    });
    expect((await crm.request().query('SELECT DB_NAME() AS db')).recordset[0]).toMatchObject({ db: 'CRM' });
    expect(server.requests.find((r) => r.sql === 'USE [tempdb]')).toMatchObject({
      kind: 'batch',
      database: 'master',
    });
  });

  it('connects with a connection string', async () => {
    server.on(/^SELECT 42/, { results: [{ columns: [{ name: 'answer', type: 'int' }], rows: [[42]] }] });
    const pool = await connect(
      `Server=127.0.0.1,${server.port};Database=master;User Id=sa;Password=${SA.password};Encrypt=false`,
    );
    expect((await pool.request().query('SELECT 42 AS answer')).recordset).toEqual([{ answer: 42 }]);

    const quoted = await connect(server.connectionString(APP));
    expect((await quoted.request().query('SELECT 42 AS answer')).recordset).toEqual([{ answer: 42 }]);
    // Each pool logs in twice: mssql's connect() probes with a connection of its own first.
    const attempts = new Set(
      server.logins.map((l) => JSON.stringify([l.user, l.password, l.database, l.ok])),
    );
    expect([...attempts].map((a) => JSON.parse(a) as unknown)).toEqual([
      ['sa', 'Secret!1', 'master', true],
      ['crm_app', 'p;w{d}=1', 'CRM', true],
    ]);
  });

  it('runs transactions through the transaction manager requests', async () => {
    server.on(/^INSERT/i, { rowsAffected: 1 });
    const pool = await connect();
    const tx = pool.transaction();
    await tx.begin();
    await tx.request().query('INSERT INTO t VALUES (1)');
    await tx.commit();
    expect(server.requests.map((r) => [r.kind, r.sql])).toEqual([
      ['transaction', 'BEGIN TRANSACTION'],
      ['rpc', 'INSERT INTO t VALUES (1)'],
      ['transaction', 'COMMIT TRANSACTION'],
    ]);
  });

  it('calls stored procedures by name, with a return status', async () => {
    server.on('dbo.GetSetting', (req) => ({
      results: [
        {
          columns: [{ name: 'value', type: 'nvarchar(100)' }],
          rows: [[`value of ${String(req.params.key?.value)}`]],
        },
      ],
      returnStatus: 7,
    }));
    const pool = await connect();
    const result = await pool.request().input('key', sql.NVarChar(50), 'Version').execute('dbo.GetSetting');
    expect(result.recordset).toEqual([{ value: 'value of Version' }]);
    expect(result.returnValue).toBe(7);
    expect(server.requests.at(-1)).toMatchObject({
      kind: 'rpc',
      procedure: 'dbo.GetSetting',
      sql: 'dbo.GetSetting',
      params: { key: { type: 'nvarchar', value: 'Version' } },
    });
  });

  it('uses a once handler for the next match only, and the latest registration first', async () => {
    const one = { results: [{ columns: [{ name: 'n', type: 'int' as const }], rows: [[1]] }] };
    const two = { results: [{ columns: [{ name: 'n', type: 'int' as const }], rows: [[2]] }] };
    server.on(/^SELECT n/, one);
    server.once(/^SELECT n/, two);
    const pool = await connect();
    expect((await pool.request().query('SELECT n')).recordset).toEqual([{ n: 2 }]);
    expect((await pool.request().query('SELECT n')).recordset).toEqual([{ n: 1 }]);
  });

  it('knows which databases exist when told', async () => {
    await server.close();
    server = await TdsTestServer.start({ logins: [SA], databases: ['master', 'CRM'] });
    await expect(connect({ database: 'Missing' })).rejects.toMatchObject({
      code: 'ELOGIN',
      message: "Login failed for user 'sa'.",
    });
    const pool = await connect({ database: 'crm' });
    await expect(pool.request().batch('USE [Nope]')).rejects.toMatchObject({ number: 911 });
    await pool.request().batch('USE master');
    expect(server.requests.map((r) => [r.sql, r.database])).toEqual([
      ['USE [Nope]', 'crm'],
      ['USE master', 'crm'],
    ]);
  });

  it('closes every connection on close()', async () => {
    const pool = await connect();
    expect(server.openConnections).toBe(1);
    await server.close();
    expect(server.openConnections).toBe(0);
    await expect(pool.request().query('SELECT 1 AS x')).rejects.toBeInstanceOf(Error);
  });
});

describe('TDS codecs', () => {
  it('round-trips the LOGIN7 password obfuscation', () => {
    const scrambled = obfuscatePassword('Secret!1');
    expect(scrambled.toString('utf16le')).not.toBe('Secret!1');
    expect(deobfuscatePassword(scrambled)).toBe('Secret!1');
  });

  it('rejects a truncated LOGIN7', () => {
    expect(() => decodeLogin7(Buffer.alloc(20))).toThrow(/LOGIN7/);
  });

  it('reassembles a message whatever the TCP chunking', () => {
    const text = 'SELECT 1 -- '.padEnd(3000, 'x');
    const writer: Buffer[] = [];
    const out = new PacketWriter((b) => writer.push(b), 512, 1);
    out.send(PacketType.SQL_BATCH, Buffer.from(text, 'utf16le'), true);
    out.send(PacketType.ATTENTION, Buffer.alloc(0), true);
    expect(writer.length).toBeGreaterThan(10);
    const stream = Buffer.concat(writer);
    const assembler = new MessageAssembler();
    const messages = [];
    for (let at = 0; at < stream.length; at += 7)
      messages.push(...assembler.push(stream.subarray(at, at + 7)));
    expect(messages.map((m) => m.type)).toEqual([PacketType.SQL_BATCH, PacketType.ATTENTION]);
    expect(messages[0]?.payload.toString('utf16le')).toBe(text);
  });

  it('splits sp_executesql parameter definitions at top-level commas', () => {
    const defs = parseParamDefinitions('@a int,@b decimal(10, 2) OUTPUT, @c nvarchar(max)');
    expect([...defs.values()]).toEqual([
      { name: 'a', declaration: 'int', output: false },
      { name: 'b', declaration: 'decimal(10, 2)', output: true },
      { name: 'c', declaration: 'nvarchar(max)', output: false },
    ]);
  });
});
