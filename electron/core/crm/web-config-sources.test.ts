import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { readConnections, redactConnectionString, unwrapEntityClient } from './web-config';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'webcfg-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const config = (inner: string) => `<?xml version="1.0"?><configuration>${inner}</configuration>`;

it('follows configSource to a file inside the application folder', async () => {
  await mkdir(path.join(dir, 'App_Config'));
  await writeFile(
    path.join(dir, 'web.config'),
    config('<connectionStrings configSource="App_Config\\connections.config" />'),
  );
  await writeFile(
    path.join(dir, 'App_Config', 'connections.config'),
    '<connectionStrings><add name="Produzione" connectionString="Data Source=db01;Initial Catalog=CRM_PROD;User ID=u;Password=p" /></connectionStrings>',
  );
  expect(await readConnections(dir)).toEqual([
    expect.objectContaining({ name: 'Produzione', server: 'db01', database: 'CRM_PROD' }),
  ]);
});

it('refuses a configSource that leaves the application folder', async () => {
  await writeFile(
    path.join(dir, 'web.config'),
    config('<connectionStrings configSource="..\\..\\secrets.config" />'),
  );
  await expect(readConnections(dir)).rejects.toMatchObject({
    message_: { key: 'crm.web-config.config-source-outside' },
  });
});

it('unwraps Entity Framework strings', async () => {
  await writeFile(
    path.join(dir, 'web.config'),
    config(
      '<connectionStrings><add name="CrmEntities" providerName="System.Data.EntityClient" connectionString="metadata=res://*/Crm.csdl|res://*/Crm.ssdl;provider=System.Data.SqlClient;provider connection string=&quot;Data Source=.\\SQLEXPRESS;Initial Catalog=CRM;Integrated Security=True;MultipleActiveResultSets=True&quot;" /></connectionStrings>',
    ),
  );
  const [c] = await readConnections(dir);
  // The provider is the ADO.NET one inside, not EntityClient: its defaults are the CRM's client's.
  expect(c).toMatchObject({
    name: 'CrmEntities',
    server: '.\\SQLEXPRESS',
    database: 'CRM',
    provider: 'System.Data.SqlClient',
  });
  expect(c?.connectionString).toBe(
    'Data Source=.\\SQLEXPRESS;Initial Catalog=CRM;Integrated Security=True;MultipleActiveResultSets=True',
  );
  expect(unwrapEntityClient('metadata=x', 'System.Data.EntityClient')).toBe('');
});

it('an encrypted section is decrypted through the given hook, or refused with a clear message', async () => {
  await writeFile(
    path.join(dir, 'web.config'),
    config(
      '<connectionStrings configProtectionProvider="DataProtectionConfigurationProvider"><EncryptedData><CipherData><CipherValue>AQAAANCMnd8=</CipherValue></CipherData></EncryptedData></connectionStrings>',
    ),
  );
  await expect(readConnections(dir)).rejects.toMatchObject({ message_: { key: 'crm.web-config.encrypted' } });
  const seen: string[] = [];
  const list = await readConnections(dir, 'web.config', async (file) => {
    seen.push(file);
    return [{ name: 'Produzione', connectionString: 'Server=db01;Database=CRM;User Id=u;Password=p' }];
  });
  expect(seen).toEqual([path.join(dir, 'web.config')]);
  expect(list).toEqual([expect.objectContaining({ name: 'Produzione', server: 'db01', database: 'CRM' })]);
});

it.each([
  [
    'Server=db01;User Id=u;Password=Segreta!1;Database=CRM',
    'Server=db01;User Id=u;Password=***;Database=CRM',
  ],
  ['Server=db01;PWD="a;b";Database=CRM', 'Server=db01;PWD=***;Database=CRM'],
  ['password=x', 'password=***'],
  ["Server=db01; pwd = 'q'", 'Server=db01; pwd = ***'],
])('redacts %s', (raw, redacted) => {
  expect(redactConnectionString(raw)).toBe(redacted);
});
