import { describe, expect, it } from 'vitest';
import { readOnlyQueryProblem } from './read-only-query';

describe('a profile query is one read-only SELECT', () => {
  it.each([
    'SELECT TOP (1) Versione AS version FROM dbo.VersioneDatabase ORDER BY DataAggiornamento DESC',
    "SELECT UserName AS [user], HostName AS host FROM dbo.UtentiConnessi WHERE Note <> 'a; b'",
    "select Moduli from dbo.Licenza where Chiave = N'Città; è'",
    'SELECT [weird;name] FROM [dbo].[Tab]]le] -- a comment; with EXEC\n',
    'SELECT 1 /* outer /* nested; DROP */ still comment */ AS x',
    'WITH ultime AS (SELECT TOP (5) * FROM dbo.Log ORDER BY Id DESC) SELECT COUNT(*) FROM ultime',
    'SELECT a FROM t UNION ALL SELECT b FROM u EXCEPT SELECT c FROM v',
    'SELECT (SELECT MAX(v) FROM t) AS m, @@VERSION AS v',
  ])('accepts %s', (query) => {
    expect(readOnlyQueryProblem(query)).toBeNull();
  });

  it.each([
    ['SELECT 1; DROP TABLE dbo.Utenti', "';'"],
    ['SELECT 1;', "';'"],
    ["EXEC xp_cmdshell 'whoami'", 'does not begin'],
    ["SELECT 1 EXEC('DROP TABLE t')", 'EXEC'],
    ['SELECT * INTO dbo.Copia FROM dbo.Utenti', 'INTO'],
    ["SELECT 1 UPDATE dbo.Sistema SET Versione = 'x'", 'UPDATE'],
    ['WITH x AS (SELECT 1 AS a) DELETE FROM dbo.Utenti', 'DELETE'],
    ['SELECT 1 SELECT 2', 'more than one statement'],
    ['SELECT 1 WHILE 1 = 1 SELECT 2', 'WHILE'],
    ["SELECT * FROM OPENROWSET('SQLNCLI', 'Server=.;Trusted_Connection=yes', 'SELECT 1')", 'OPENROWSET'],
    ["SELECT * FROM OPENROWSET(BULK 'C:\\secret.txt', SINGLE_CLOB) AS f", 'OPENROWSET'],
    ['SELECT NEXT VALUE FOR dbo.Numeri', 'NEXT'],
    ["SELECT 1 WAITFOR DELAY '01:00:00'", 'WAITFOR'],
    ["SELECT 'never closed", 'never closed'],
    ['SELECT 1 /* never closed', 'never closed'],
    ['SELECT [never closed', 'never closed'],
    ['SELECT 1) SELECT (2', 'unbalanced'],
    ['SELECT 1\u037e DROP TABLE t', 'U+037E'],
    ['SELECT 1 \u202e', 'U+202E'],
    ['', 'does not begin'],
  ])('refuses %s', (query, problem) => {
    expect(readOnlyQueryProblem(query)).toContain(problem);
  });
});
