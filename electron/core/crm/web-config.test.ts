import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { UpgradeError } from '../../shared/message';
import { parseConnectionString, readConnections } from './web-config';

let work: string;
let n = 0;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'web-config-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A fresh application folder holding web.config with this text. */
async function app(xml: string): Promise<string> {
  const dir = await mkdtemp(path.join(work, `app-${++n}-`));
  await writeFile(path.join(dir, 'web.config'), xml);
  return dir;
}

const config = (connectionStrings: string) =>
  `<?xml version="1.0" encoding="utf-8"?>\n<configuration>\n  <appSettings><add key="Theme" value="Blu"/></appSettings>\n${connectionStrings}\n  <system.web><compilation debug="false"/></system.web>\n</configuration>\n`;

const FULL = config(`<connectionStrings>
  <add name="Produzione" connectionString="Server=db01;Database=CRM_PROD"/>
</connectionStrings>`);
const cut = (text: string, at: number) => {
  if (at <= 0 || at >= text.length) throw new Error(`cannot cut the text at ${at}`);
  return text.slice(0, at);
};

async function refusal(dir: string, file = 'web.config'): Promise<UpgradeError> {
  try {
    await readConnections(dir, file);
  } catch (err) {
    if (err instanceof UpgradeError) return err;
    throw err;
  }
  throw new Error('expected readConnections to refuse');
}

describe('parseConnectionString', () => {
  it.each([
    {
      name: 'plain pairs, keys lower-cased',
      text: 'Data Source=.\\SQLEXPRESS;Initial Catalog=CRM_PROD;Integrated Security=True',
      want: { 'data source': '.\\SQLEXPRESS', 'initial catalog': 'CRM_PROD', 'integrated security': 'True' },
    },
    {
      name: 'spaces around keys, values and separators; trailing semicolon',
      text: '  Server = db01 ;  Database = CRM ; ',
      want: { server: 'db01', database: 'CRM' },
    },
    {
      name: 'a double-quoted value with ; inside',
      text: 'Server=db01;Password="a;b=c";Database=CRM',
      want: { server: 'db01', password: 'a;b=c', database: 'CRM' },
    },
    {
      name: 'a single-quoted value with ; inside',
      text: "Server=db01;Password='x;y';Database=CRM",
      want: { server: 'db01', password: 'x;y', database: 'CRM' },
    },
    {
      name: 'an empty value',
      text: 'Server=db01;Password=;Database=CRM',
      want: { server: 'db01', password: '', database: 'CRM' },
    },
    {
      name: 'mixed-case keys',
      text: 'SERVER=db01;dataBASE=CRM',
      want: { server: 'db01', database: 'CRM' },
    },
    {
      name: 'an empty pair (;;) is skipped, as ADO.NET does',
      text: 'Server=db01;;Database=CRM',
      want: { server: 'db01', database: 'CRM' },
    },
    {
      name: 'a leading semicolon is skipped, as ADO.NET does',
      text: ';Server=db01;Database=CRM',
      want: { server: 'db01', database: 'CRM' },
    },
    { name: 'nothing', text: '', want: {} },
  ])('$name', ({ text, want }) => {
    expect(Object.fromEntries(parseConnectionString(text))).toEqual(want);
  });
});

describe('readConnections', () => {
  it('reads two connections in their order, with server and database', async () => {
    const dir = await app(
      config(`  <connectionStrings>
    <add name="Produzione" connectionString="Data Source=.\\SQLEXPRESS;Initial Catalog=CRM_PROD;Integrated Security=True" providerName="System.Data.SqlClient"/>
    <add name="Formazione" connectionString="Server=db02;Database=CRM_TEST;User ID=crm;Password=segreta"/>
  </connectionStrings>`),
    );
    expect(await readConnections(dir, 'web.config')).toEqual([
      {
        name: 'Produzione',
        server: '.\\SQLEXPRESS',
        database: 'CRM_PROD',
        connectionString: 'Data Source=.\\SQLEXPRESS;Initial Catalog=CRM_PROD;Integrated Security=True',
        // The CRM's client: its encryption default is the one the Windows host follows (issue 14).
        provider: 'System.Data.SqlClient',
      },
      {
        name: 'Formazione',
        server: 'db02',
        database: 'CRM_TEST',
        connectionString: 'Server=db02;Database=CRM_TEST;User ID=crm;Password=segreta',
      },
    ]);
  });

  it('keeps the order of the file, not alphabetical order', async () => {
    const dir = await app(
      config(`<connectionStrings>
  <add name="Zeta" connectionString="Server=a;Database=Z"/>
  <add name="Alfa" connectionString="Server=a;Database=A"/>
  <add name="Media" connectionString="Server=a;Database=M"/>
</connectionStrings>`),
    );
    expect((await readConnections(dir, 'web.config')).map((c) => c.name)).toEqual(['Zeta', 'Alfa', 'Media']);
  });

  it('<clear/> drops the connections added before it', async () => {
    const dir = await app(
      config(`<connectionStrings>
  <add name="LocalSqlServer" connectionString="Data Source=.\\SQLEXPRESS;AttachDbFilename=|DataDirectory|aspnetdb.mdf"/>
  <clear/>
  <add name="Produzione" connectionString="Server=db01;Database=CRM_PROD"/>
</connectionStrings>`),
    );
    expect(await readConnections(dir, 'web.config')).toEqual([
      {
        name: 'Produzione',
        server: 'db01',
        database: 'CRM_PROD',
        connectionString: 'Server=db01;Database=CRM_PROD',
      },
    ]);
  });

  it('<remove name=…/> drops that connection only', async () => {
    const dir = await app(
      config(`<connectionStrings>
  <add name="Produzione" connectionString="Server=db01;Database=CRM_PROD"/>
  <add name="Vecchia" connectionString="Server=db01;Database=CRM_OLD"/>
  <add name="Formazione" connectionString="Server=db01;Database=CRM_TEST"/>
  <remove name="Vecchia"/>
</connectionStrings>`),
    );
    expect((await readConnections(dir, 'web.config')).map((c) => `${c.name}=${c.database}`)).toEqual([
      'Produzione=CRM_PROD',
      'Formazione=CRM_TEST',
    ]);
  });

  it('Data Source / Server / Address and Initial Catalog / Database are synonyms', async () => {
    const dir = await app(
      config(`<connectionStrings>
  <add name="A" connectionString="Data Source=srv-a;Initial Catalog=db-a"/>
  <add name="B" connectionString="Server=srv-b;Database=db-b"/>
  <add name="C" connectionString="Address=srv-c;DATABASE=db-c"/>
  <add name="D" connectionString="server=tcp:srv-d,1433;initial catalog=db-d"/>
</connectionStrings>`),
    );
    expect((await readConnections(dir, 'web.config')).map((c) => [c.name, c.server, c.database])).toEqual([
      ['A', 'srv-a', 'db-a'],
      ['B', 'srv-b', 'db-b'],
      ['C', 'srv-c', 'db-c'],
      ['D', 'tcp:srv-d,1433', 'db-d'],
    ]);
  });

  it('quoted values may hold ";" (as XML entities or single quotes inside the attribute)', async () => {
    const dir = await app(
      config(`<connectionStrings>
  <add name="A" connectionString="Server=db01;Password=&quot;p;w=d&quot;;Database=CRM_A"/>
  <add name="B" connectionString="Server=db01;Password='x;y';Database=CRM_B"/>
</connectionStrings>`),
    );
    const list = await readConnections(dir, 'web.config');
    expect(list.map((c) => [c.name, c.server, c.database])).toEqual([
      ['A', 'db01', 'CRM_A'],
      ['B', 'db01', 'CRM_B'],
    ]);
    expect(list[0]?.connectionString).toBe('Server=db01;Password="p;w=d";Database=CRM_A');
  });

  it('an encrypted <connectionStrings> section → crm.web-config.encrypted', async () => {
    const dir = await app(
      config(`<connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">
  <EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns="http://www.w3.org/2001/04/xmlenc#">
    <CipherData><CipherValue>ZmFrZSBjaXBoZXI=</CipherValue></CipherData>
  </EncryptedData>
</connectionStrings>`),
    );
    const err = await refusal(dir);
    expect(err.message_).toEqual({
      key: 'crm.web-config.encrypted',
      params: { path: path.join(dir, 'web.config') },
    });
  });

  it('a missing web.config → crm.web-config.missing', async () => {
    const dir = await app('<configuration/>');
    const err = await refusal(dir, 'Web.Missing.config');
    expect(err.message_).toEqual({
      key: 'crm.web-config.missing',
      params: { path: path.join(dir, 'Web.Missing.config') },
    });
  });

  it.each([
    {
      name: 'truncated inside a tag (a setup stopped while writing it)',
      xml: cut(FULL, FULL.indexOf('debug=') + 'debug='.length),
    },
    {
      name: 'truncated between two tags (a setup stopped while writing it)',
      xml: cut(FULL, FULL.indexOf('</connectionStrings>') + '</connectionStrings>'.length),
    },
    {
      name: 'mismatched closing tag',
      xml: `<configuration><connectionStrings><add name="A" connectionString="Server=a;Database=b"/></connectionStrings></configurazione>`,
    },
    {
      name: 'an element never closed',
      xml: `<configuration><connectionStrings><add name="A" connectionString="Server=a;Database=b"></connectionStrings></configuration>`,
    },
    {
      name: 'an unterminated attribute',
      xml: `<configuration><connectionStrings><add name="A connectionString="Server=a;Database=b"/></connectionStrings></configuration>`,
    },
    { name: 'not XML at all', xml: 'Server=db01;Database=CRM_PROD' },
  ])('malformed XML → crm.web-config.invalid: $name', async ({ xml }) => {
    const dir = await app(xml);
    const err = await refusal(dir);
    expect(err.message_).toEqual({
      key: 'crm.web-config.invalid',
      params: { path: path.join(dir, 'web.config') },
    });
  });

  it('no <connectionStrings> section → no connections', async () => {
    const dir = await app(config(''));
    expect(await readConnections(dir, 'web.config')).toEqual([]);
  });

  it('an <add> without a name or a connection string is ignored', async () => {
    const dir = await app(
      config(`<connectionStrings>
  <add connectionString="Server=a;Database=nameless"/>
  <add name="Vuota"/>
  <add name="Buona" connectionString="Server=a;Database=ok"/>
</connectionStrings>`),
    );
    expect((await readConnections(dir, 'web.config')).map((c) => c.name)).toEqual(['Buona']);
  });

  it('a later <add> with the same name replaces the earlier one', async () => {
    const dir = await app(
      config(`<connectionStrings>
  <add name="Produzione" connectionString="Server=old;Database=CRM"/>
  <add name="Produzione" connectionString="Server=new;Database=CRM"/>
</connectionStrings>`),
    );
    expect((await readConnections(dir, 'web.config')).map((c) => c.server)).toEqual(['new']);
  });
});
