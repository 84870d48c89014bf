import { expect, it } from 'vitest';
import { contract } from '../shared/contract';
import type { SqlCredentials } from '../shared/sql-credentials';
import { type AppSession, openSession } from './session';
import { type PracticeFixture, practiceFixture } from '../testing/practice-fixture';
import { closeAfterEach } from '../testing/session-harness';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

/** A session on the practice server with a credential store, and its log as text. */
async function sessionWithStore() {
  fx = await practiceFixture();
  const kept: [string, SqlCredentials][] = [];
  const host = {
    ...fx.host,
    credentials: { provide: (c: string, cr: SqlCredentials) => void kept.push([c, cr]) },
  };
  session = await openSession({ host, kitDir: fx.kitDir });
  const logs: string[] = [];
  session.subscribe((event, payload) => {
    if (event === 'log') logs.push(JSON.stringify(payload));
  });
  return { kept, logs, handlers: session.handlers };
}

it('the practice server needs no SQL credentials and says so', async () => {
  fx = await practiceFixture();
  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  expect(
    await session.handlers.provideSqlCredentials('Produzione', { kind: 'sql', user: 'sa', password: 'x' }),
  ).toMatchObject({ ok: false, error: { key: 'sql.credentials-not-needed' } });
});

it('a host with a credential store gets them for a known connection, and the log never shows the password', async () => {
  const { kept, logs, handlers } = await sessionWithStore();
  const creds: SqlCredentials = { kind: 'ntlm', domain: 'AZIENDA', user: 'admin.crm', password: 'Segreta!1' };
  expect(await handlers.provideSqlCredentials('Produzione', creds)).toEqual({ ok: true });
  expect(kept).toEqual([['Produzione', creds]]);
  expect(logs.join('\n')).toContain('AZIENDA\\\\admin.crm');
  expect(logs.join('\n')).not.toContain('Segreta');
  expect(await handlers.provideSqlCredentials('Nessuna', creds)).toMatchObject({
    ok: false,
    error: { key: 'practice.connection-unknown' },
  });
});

it.each([
  [{ kind: 'sql', user: '', password: 'x' }],
  [{ kind: 'ntlm', user: 'u', password: 'x' }],
  [{ kind: 'kerberos', user: 'u', password: 'x' }],
  [{ kind: 'sql', user: 'u\nDROP', password: 'x' }],
  [{ kind: 'sql', user: 'u', password: 'x', extra: 1 }],
])('the contract refuses malformed credentials %j', (creds) => {
  expect(contract.calls.provideSqlCredentials.args.safeParse(['Produzione', creds]).success).toBe(false);
});

it.each([
  [
    'a user name with a bidi override',
    { kind: 'sql', user: 'admin\u202enimda', password: 'Segreta!1' },
    'input.credentials.user-unsafe',
    'U+202E',
  ],
  [
    'a password with CR/LF',
    { kind: 'sql', user: 'sa', password: 'Segreta\r\n!1' },
    'input.credentials.password-unsafe',
    'U+000D',
  ],
  [
    'a domain with a C1 control',
    { kind: 'ntlm', domain: 'AZIENDA\u0085', user: 'u', password: 'Segreta!1' },
    'input.credentials.domain-unsafe',
    'U+0085',
  ],
] as const)('the session itself refuses %s', async (_what, creds, key, character) => {
  const { kept, handlers } = await sessionWithStore();
  expect(await handlers.provideSqlCredentials('Produzione', creds)).toEqual({
    ok: false,
    error: { key, params: { character } },
  });
  expect(kept).toEqual([]);
});

it("the admin's consent to an unvalidated certificate is logged with the connection", async () => {
  const { kept, logs, handlers } = await sessionWithStore();
  const creds: SqlCredentials = {
    kind: 'sql',
    user: 'sa',
    password: 'Segreta!1',
    allowUnvalidatedCertificate: true,
  };
  expect(await handlers.provideSqlCredentials('Produzione', creds)).toEqual({ ok: true });
  expect(kept).toEqual([['Produzione', creds]]);
  const consent = logs.find((l) => l.includes('sql.certificate-exception-consented'));
  expect(consent).toContain('"connection":"Produzione"');
  expect(logs.join('\n')).not.toContain('Segreta');
});

it('no consent is logged when the admin gave none', async () => {
  const { logs, handlers } = await sessionWithStore();
  expect(
    await handlers.provideSqlCredentials('Produzione', { kind: 'sql', user: 'sa', password: 'x' }),
  ).toEqual({
    ok: true,
  });
  expect(logs.join('\n')).toContain('sql.credentials-received');
  expect(logs.join('\n')).not.toContain('certificate-exception');
});
