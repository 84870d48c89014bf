import { spawn } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, it } from 'vitest';

/**
 * The CLI as the admin runs it: `node electron/cli/bin.mjs …` from the repo root, against
 * practice servers in a temp folder. Every child takes a second or two, so the servers and the
 * kit are made once, in parallel, and the read-only checks run concurrently (each test uses its
 * own `expect`, from the test context).
 */

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = path.join('electron', 'cli', 'bin.mjs');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Runs a CLI step that must succeed, with its output in the failure message when it does not. */
async function ok(...args: string[]): Promise<Result> {
  const r = await cli(...args);
  if (r.code !== 0)
    throw new Error(`crm-upgrade ${args.join(' ')} exited ${r.code}\n${r.stdout}\n${r.stderr}`);
  return r;
}

interface Finding {
  id: string;
  severity?: string;
  status: string;
  title: string;
  finding: string | null;
  remedy: string | null;
  evidence: Record<string, string | number | boolean>;
}
interface CheckJson {
  upgradable: boolean;
  findings: Finding[];
}

function json(r: Result): CheckJson {
  return JSON.parse(r.stdout) as CheckJson;
}
const byId = (report: CheckJson, id: string) => {
  const f = report.findings.find((x) => x.id === id);
  if (!f) throw new Error(`no finding ${id} in ${report.findings.map((x) => x.id).join(', ')}`);
  return f;
};

let work: string;
/** Fresh: the practice user is still connected. */
let fresh: string;
/** Everyone logged off. */
let clear: string;
/** Everyone logged off, but the licence lacks module 0. */
let noSupport: string;
/** Everyone logged off, on Windows Server 2012 R2. */
let oldWindows: string;
let kit: string;

beforeAll(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'crm-cli-test-'));
  fresh = path.join(work, 'fresh');
  clear = path.join(work, 'clear');
  noSupport = path.join(work, 'no-support');
  oldWindows = path.join(work, 'old-windows');
  kit = path.join(work, 'kit');
  await Promise.all([
    ok('practice', 'init', fresh),
    ok('practice', 'init', clear).then(() => ok('practice', 'logoff', clear)),
    ok('practice', 'init', noSupport, '--modules', '3, 7').then(() => ok('practice', 'logoff', noSupport)),
    ok('practice', 'init', oldWindows, '--windows-version', '6.3.9600').then(() =>
      ok('practice', 'logoff', oldWindows),
    ),
    ok('practice', 'kit', kit),
  ]);
}, 120_000);

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

const SLOW = { timeout: 120_000 };

describe.concurrent('crm-upgrade check', SLOW, () => {
  it('on a fresh server: exit 1, one user connected fails check.users', async ({ expect }) => {
    const [text, asJson] = await Promise.all([
      cli('check', '--practice', fresh, '--kit', kit),
      cli('check', '--practice', fresh, '--kit', kit, '--json'),
    ]);
    expect(text.code).toBe(1);
    expect(text.stdout).toContain('Nessun utente collegato («Elenco Utenti Connessi») — fallito');
    expect(text.stdout).toContain('Non si può aggiornare ora: 1 verifiche bloccanti fallite.');

    expect(asJson.code).toBe(1);
    const report = json(asJson);
    expect(report.upgradable).toBe(false);
    const users = byId(report, 'check.users');
    expect(users).toMatchObject({ status: 'failed', severity: 'blocking' });
    expect(users.finding).toMatch(/^1 utenti collegati: /);
    expect(users.remedy).toContain('Elenco Utenti Connessi');
    // People in the CRM's list per connection; the CRM pool's own SQL sessions are counted apart.
    expect(users.evidence).toMatchObject({ Produzione: 1, Formazione: 0, 'Produzione.crmPoolSessions': 3 });
    // Nothing else blocks.
    expect(report.findings.filter((f) => f.status === 'failed').map((f) => f.id)).toEqual(['check.users']);
    expect(byId(report, 'check.kit').evidence).toMatchObject({
      key: 'practice',
      version: '7.8.5.13100517_x64',
    });
  });

  it('after `practice logoff`: exit 0, upgradable; --lang en speaks English', async ({ expect }) => {
    const [asJson, text] = await Promise.all([
      cli('check', '--practice', clear, '--kit', kit, '--json'),
      cli('check', '--practice', clear, '--kit', kit, '--lang', 'en'),
    ]);
    expect(asJson.code).toBe(0);
    const report = json(asJson);
    expect(report.upgradable).toBe(true);
    expect(report.findings.length).toBeGreaterThanOrEqual(8);
    // Reading the release notes is the admin's part of the run, not something a check can pass.
    expect(byId(report, 'check.release-notes').status).toBe('waiting');
    expect(report.findings.filter((f) => f.status !== 'passed' && f.id !== 'check.release-notes')).toEqual(
      [],
    );
    expect(byId(report, 'check.users').finding).toBe('Nessun utente collegato.');

    expect(text.code).toBe(0);
    expect(text.stdout).toContain('[Checks] Nobody connected ("Elenco Utenti Connessi") — passed');
    expect(text.stdout).toContain('Nobody is connected.');
    expect(text.stdout).toContain('The server can be upgraded now.');
    expect(text.stdout).not.toContain('Verifiche');
    expect(text.stdout).not.toContain('superato');
  });

  it('a licence without module 0 (--modules "3, 7"): exit 1 with check.licence failed (JSON in English)', async ({
    expect,
  }) => {
    const r = await cli('check', '--practice', noSupport, '--kit', kit, '--json', '--lang', 'en');
    expect(r.code).toBe(1);
    const report = json(r);
    expect(report.upgradable).toBe(false);
    const licence = byId(report, 'check.licence');
    expect(licence).toMatchObject({ status: 'failed', severity: 'blocking', evidence: { modules: '3, 7' } });
    expect(licence.title).toBe('Support contract (module "0")');
    expect(licence.finding).toBe('Modules: 3, 7. Module "0" is missing: the support contract is not active.');
    expect(report.findings.filter((f) => f.status === 'failed').map((f) => f.id)).toEqual(['check.licence']);
  });
});

describe('the minimum server', SLOW, () => {
  it('Windows Server 2012 R2: exit 1, check.architecture names it and the minimum', async ({ expect }) => {
    const r = await cli('check', '--practice', oldWindows, '--kit', kit, '--json', '--lang', 'en');
    expect(r.code).toBe(1);
    const platform = byId(json(r), 'check.architecture');
    expect(platform).toMatchObject({ status: 'failed', severity: 'blocking' });
    expect(platform.finding).toContain('Windows 6.3.9600 (Windows Server 2012 R2)');
    expect(platform.finding).toContain('Windows Server 2016');
  });
});

describe.concurrent('bad usage exits 2 with a message on stderr', SLOW, () => {
  it.for([
    { name: 'an unknown command', args: () => ['upgrade-now'], stderr: 'unknown command: upgrade-now' },
    {
      name: 'check without --kit',
      args: () => ['check', '--practice', clear],
      stderr: '--kit KITDIR is required',
    },
    {
      name: '--lang fr',
      args: () => ['check', '--practice', clear, '--kit', kit, '--lang', 'fr'],
      stderr: '--lang must be it or en, not fr',
    },
    {
      name: 'an unknown option',
      args: () => ['check', '--practice', clear, '--kit', kit, '--force'],
      stderr: "'--force'",
    },
    {
      name: '`practice init --windows-version` that is not major.minor.build',
      args: () => ['practice', 'init', clear, '--windows-version', '2012R2'],
      stderr: '--windows-version MAJOR.MINOR.BUILD',
    },
    {
      name: '`practice init` into a non-empty folder',
      args: () => ['practice', 'init', clear],
      stderr: 'non è vuota',
    },
  ])('$name', async ({ args, stderr }, { expect }) => {
    const before = await readdir(clear);
    const r = await cli(...args());
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(stderr);
    expect(r.stdout).toBe('');
    // Refusing touches nothing.
    expect(await readdir(clear)).toEqual(before);
  });
});
