import { expect, it } from 'vitest';
import { type PracticeFixture, practiceFixture } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { instanceFileSchema, paths, readJson } from './layout';

let fx: PracticeFixture | undefined;
closeAfterEach(() => [fx]);

async function produzione() {
  fx = await practiceFixture();
  const instance = await readJson(paths(fx.serverDir).instance, instanceFileSchema);
  const connection = {
    name: 'Produzione',
    server: instance.server,
    database: instance.databases[0]!,
    connectionString: '',
  };
  return { databases: fx.host.databases, connection };
}

it('the practice SQL Server refuses a profile query that is not one SELECT, as a real one does', async () => {
  const { databases, connection } = await produzione();
  await expect(databases.queryValue(connection, "SELECT 1; EXEC xp_cmdshell 'whoami'")).rejects.toMatchObject(
    {
      message_: {
        key: 'sql.query-not-read-only',
        params: { connection: 'Produzione', problem: "';' outside a string" },
      },
    },
  );
  // A single SELECT gets the practice server's usual answer: it runs no SQL at all.
  await expect(databases.queryValue(connection, 'SELECT Versione FROM dbo.Sistema')).rejects.toMatchObject({
    message_: { key: 'practice.query-unsupported' },
  });
});
