import { readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as statements from '../../electron/host/windows/sql/statements';
import { readOnlyQueryProblem } from '../../electron/shared/read-only-query';
import { closingLine, runCheckScript } from '../../electron/testing/check-script';
import { runParserCheck } from './parser-check';
import { profileQueries, schemaExampleQueries } from './profile-queries';
import { statementsOf } from './statement-list';

/**
 * `npm run check:sql` fails, naming the version and the position, on a statement broken on purpose
 * and on one newer than SQL Server 2012; refuses a profile query that is not a single SELECT; and
 * refuses a statements module whose export ALL_STATEMENTS leaves out.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
const statementsTs = path.join(root, 'electron', 'host', 'windows', 'sql', 'statements.ts');
const crmJson = path.join(root, 'resources', 'profiles', 'crm.json');
let work: string | undefined;
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
  work = undefined;
});

const checkSql = (args: string[]) => runCheckScript('build/sql/check-sql.ts', args, 170_000);
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** statements.ts copied into `dir` with `edits`, its relative imports pointed back at the repo. */
async function statementsCopy(dir: string, edits: [RegExp | string, string][]): Promise<string> {
  let text = (await readFile(statementsTs, 'utf8')).replace(
    /(from\s+|import\s*\(\s*)(['"])(\.{1,2}\/[^'"]+)\2/g,
    (_m, before: string, quote: string, spec: string) =>
      `${before}${quote}${path.resolve(path.dirname(statementsTs), spec)}${quote}`,
  );
  for (const [from, to] of edits) {
    expect(text, `statements.ts has ${String(from)}`).toMatch(from);
    text = text.replace(from, to);
  }
  const copy = path.join(dir, 'statements.ts');
  await writeFile(copy, text);
  return copy;
}

const LIST_START = 'export const ALL_STATEMENTS: readonly { id: string; text: string }[] = [';

it('fails on BACKUP DATABSE, on DROP TABLE IF EXISTS before 2016, on unlisted exports and on profile queries that are not one SELECT', async () => {
  work = await mkdtemp(path.join(os.tmpdir(), 'check-sql-'));
  const copy = await statementsCopy(work, [
    [/BACKUP DATABASE @database/g, 'BACKUP DATABSE @database'],
    [
      LIST_START,
      "export const DROP_PROBE = 'DROP TABLE IF EXISTS #probe';\n" +
        "export const ESCAPED = 'SELECT 2';\n" +
        "export function escapedForm(): string { return 'SELECT 3'; }\n" +
        `${LIST_START}\n  { id: 'DROP_PROBE', text: DROP_PROBE },`,
    ],
  ]);
  const profile = JSON.parse(await readFile(crmJson, 'utf8')) as Record<string, unknown>;
  const bad = path.join(work, 'bad.json');
  await writeFile(
    bad,
    JSON.stringify({
      ...profile,
      installedVersion: { kind: 'query', query: 'SELECT Versione AS version INTO #v FROM dbo.Sistema' },
      licence: { kind: 'query', query: 'SELECT Moduli FROM dbo.Licenza SELECT 2' },
      sql: {
        connectedUsersQuery: 'SELECT Utente AS [user], Host AS host FROM dbo.UtentiConnessi',
        sessionTimeoutMinutes: 20,
        databaseVersionQuery: "UPDATE dbo.VersioneDatabase SET Versione = '9'",
      },
    }),
  );

  const run = checkSql(['--statements', copy, '--profile', crmJson, '--profile', bad]);

  expect(run.status, run.stdout + run.stderr).toBe(1);
  const backups = statements.ALL_STATEMENTS.filter((s) => s.text.includes('BACKUP DATABASE @database'));
  expect(backups.length).toBeGreaterThan(0);
  for (const b of backups) {
    // Every version refuses it, each named, at the misspelt word's position.
    expect(run.stdout).toMatch(
      new RegExp(
        `✖ statements\\.ts ${escape(b.id)}: line 1, column 8: .*DATABSE.* \\(SQL Server 2012, 2014, 2016, 2017, 2019, 2022\\)`,
      ),
    );
  }
  // DROP … IF EXISTS came with SQL Server 2016: the two versions before it are named, no other.
  expect(run.stdout).toMatch(
    /✖ statements\.ts DROP_PROBE: line 1, column 12: Incorrect syntax near 'IF'\. \(SQL Server 2012, 2014\)\n/,
  );
  expect(run.stdout).toMatch(/✖ statements\.ts ESCAPED: not in ALL_STATEMENTS: SELECT 2/);
  expect(run.stdout).toMatch(/✖ statements\.ts escapedForm: a function with no entry 'escapedForm\(…\)'/);
  expect(run.stdout).toMatch(
    /✖ bad\.json installedVersion\.query: not a single SELECT: SELECT … INTO at line 1, column 33/,
  );
  expect(run.stdout).toMatch(/✖ bad\.json licence\.query: not a single SELECT: 2 statements/);
  expect(run.stdout).toMatch(
    /✖ bad\.json sql\.databaseVersionQuery: not a single SELECT: UpdateStatement at line 1, column 1/,
  );
  expect(run.stdout).not.toMatch(/✖ .*(connectedUsersQuery|crm\.json)/);
  // Anything else failing is statements.ts as it is: npm run check:sql names it too.
  const edited = [...backups.map((b) => b.id), 'DROP_PROBE', 'ESCAPED', 'escapedForm'].map(escape);
  const ours = new RegExp(`^✖ statements\\.ts (${edited.join('|')}): `);
  const others = run.stdout.split('\n').filter((l) => l.startsWith('✖ statements.ts') && !ours.test(l));
  expect(others, 'statements.ts itself fails the parser').toEqual([]);
  // Passed: the untouched statements, the one good query and the schema's own examples; failed:
  // the backups, DROP_PROBE, the two unlisted exports and the three queries.
  expect(closingLine(run.stdout)).toEqual({
    passed: statements.ALL_STATEMENTS.length - backups.length + 1 + schemaExampleQueries().length,
    failed: backups.length + 1 + 2 + 3,
  });
}, 180_000);

describe('the statements list', () => {
  it('holds every export of statements.ts', () => {
    expect(statementsOf(statements)).toEqual({ statements: statements.ALL_STATEMENTS, missing: [] });
  });

  it('names an export it leaves out: a string, a string in an object, a function', () => {
    const more = {
      ...statements,
      NEW_QUERY: 'SELECT 1',
      RESTORE_FORMS: { single: statements.VERIFY, offline: 'ALTER DATABASE x SET OFFLINE' },
      newBatch: () => 'SELECT 2',
    };
    expect(statementsOf(more).missing).toEqual([
      'NEW_QUERY: not in ALL_STATEMENTS: SELECT 1',
      'RESTORE_FORMS: not in ALL_STATEMENTS: ALTER DATABASE x SET OFFLINE',
      "newBatch: a function with no entry 'newBatch(…)' in ALL_STATEMENTS",
    ]);
  });
});

describe('the queries of a profile', () => {
  const base = () => JSON.parse(readFileSync(crmJson, 'utf8')) as Record<string, unknown>;

  it('are the fields the profile schema checks as queries, whatever their kind, valid or not', () => {
    const sql = {
      connectedUsersQuery: 'SELECT 1 AS u',
      sessionTimeoutMinutes: 20,
      databaseVersionQuery: 'x',
    };
    expect(profileQueries({ ...base(), sql }).map((q) => q.field)).toEqual([
      'sql.connectedUsersQuery',
      'sql.databaseVersionQuery',
    ]);
    const asQueries = {
      ...base(),
      installedVersion: { kind: 'query', query: 'SELECT v FROM t' },
      licence: { kind: 'query', query: 'DELETE FROM t' },
    };
    expect(profileQueries(asQueries)).toEqual([
      { field: 'installedVersion.query', text: 'SELECT v FROM t' },
      { field: 'licence.query', text: 'DELETE FROM t' },
    ]);
  });

  it("include the schema's examples where it expects a query, at any depth, and nothing else", () => {
    const query = z.string().superRefine((s, ctx) => {
      const problem = readOnlyQueryProblem(s);
      if (problem) ctx.addIssue({ code: 'custom', message: problem });
    });
    const schema = z
      .object({
        name: z.string().meta({ examples: ['UPDATE is a word here'] }),
        sql: z.object({ versionQuery: query.nullable().meta({ examples: ['SELECT v FROM t'] }) }).optional(),
      })
      .meta({ examples: [{ name: 'crm', sql: { versionQuery: 'SELECT v INTO #x FROM t' } }] });
    expect(schemaExampleQueries(schema)).toEqual([
      { field: 'examples[0].sql.versionQuery', text: 'SELECT v INTO #x FROM t' },
      { field: 'sql.versionQuery.examples[0]', text: 'SELECT v FROM t' },
    ]);
  });
});

/**
 * The app cannot run .NET on the server, so a kit's profile query is refused there by
 * readOnlyQueryProblem, a token check. Whatever Microsoft's parser refuses as a profile query,
 * the token check must refuse too.
 */
const REFUSED_BY_BOTH = [
  'SELECT 1 CREATE TABLE x (a int)',
  "SELECT 1 WAITFOR DELAY '00:00:01'",
  'SELECT 1 TRUNCATE TABLE t',
  'SELECT 1 UPDATE STATISTICS dbo.t',
  'SELECT (SELECT 1) SELECT 2',
  'SELECT 1 FETCH NEXT FROM c',
  "SELECT 1 EXECUTE AS LOGIN = 'sa'",
  'SELECT 1 KILL QUERY NOTIFICATION SUBSCRIPTION ALL',
  "SELECT * FROM OPENROWSET('SQLNCLI', 'Server=x', 'SELECT 1')",
  'SELECT NEXT VALUE FOR dbo.s',
  'WITH c AS (SELECT 1 AS v) DELETE FROM c',
  'SELECT v INTO #t FROM t',
  'SELECT 1; SELECT 2',
  'MERGE t USING u ON t.a = u.a WHEN MATCHED THEN DELETE;',
  'SELECT 1 RECEIVE TOP (1) * FROM dbo.q',
  'SELECT 1 DISABLE TRIGGER ALL ON DATABASE',
  'SELECT 1 ENABLE TRIGGER ALL ON DATABASE',
  "SELECT 1 WRITETEXT dbo.t.c @p 'x'",
  "SELECT 1 UPDATETEXT dbo.t.c @p 0 NULL 'x'",
  "SELECT 1 SETUSER 'dbo'",
  'SELECT 1 REVERT',
  "SELECT 1 OPEN SYMMETRIC KEY k DECRYPTION BY PASSWORD = N'p'",
  'SELECT 1 CLOSE MASTER KEY',
  'SELECT 1 DEALLOCATE c',
  'SELECT 1 END CONVERSATION @h',
  'SELECT 1 CHECKPOINT',
];
const ACCEPTED_BY_BOTH = [
  'WITH c AS (SELECT 1 AS v) SELECT v FROM c',
  'SELECT a FROM t UNION ALL SELECT b FROM u',
  "SELECT [Update] AS u FROM dbo.t WHERE n = N'DELETE'",
];

it("the runtime's token check refuses every profile query Microsoft's parser refuses", () => {
  const results = runParserCheck(
    [...REFUSED_BY_BOTH, ...ACCEPTED_BY_BOTH].map((text) => ({ id: text, text, kind: 'profile-query' })),
  );
  for (const r of results) {
    const parser = r.errors.length > 0 || r.notSingleSelect !== null;
    expect(parser, `the parser on ${r.id}`).toBe(REFUSED_BY_BOTH.includes(r.id));
    expect(readOnlyQueryProblem(r.id) !== null, `the token check on ${r.id}`).toBe(parser);
  }
}, 180_000);
