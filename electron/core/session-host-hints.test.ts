import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import type { HostProfileHints } from './ports';
import { type AppSession, openSession } from './session';
import { type PracticeFixture, practiceFixture } from '../testing/practice-fixture';
import { closeAfterEach } from '../testing/session-harness';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

it("hands the profile's SQL hints to the host, and decrypts an encrypted section through it", async () => {
  fx = await practiceFixture();
  await writeFile(
    path.join(fx.appDir, 'web.config'),
    '<configuration><connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider"><EncryptedData/></connectionStrings></configuration>',
  );
  const adopted: HostProfileHints[] = [];
  const decrypted: string[] = [];
  const host = {
    ...fx.host,
    adopt: (h: HostProfileHints) => void adopted.push(h),
    decryptConnections: async (file: string) => {
      decrypted.push(file);
      return [
        {
          name: 'Produzione',
          connectionString: 'Data Source=.\\SQLEXPRESS;Initial Catalog=CRM_PROD;User ID=u;Password=p',
        },
      ];
    },
  };
  session = await openSession({ host, kitDir: fx.kitDir });
  // The shipped profile says in so many words that it gives no version query yet.
  expect(adopted).toEqual([{ sql: { databaseVersionQuery: null } }]);
  expect(decrypted).toEqual([path.join(fx.appDir, 'web.config')]);
  const steps = (await session.handlers.getSession()).steps.map((s) => s.id);
  expect(steps).toContain('backup.db:Produzione');
  expect(steps).not.toContain('backup.db:Formazione');
});
