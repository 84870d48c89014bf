import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { runMain } from '../testing/run-main';

let work = '';
afterEach(async () => {
  if (work) await rm(work, { recursive: true, force: true });
});

it('practice kit --mobile-setup-fails CODE makes a kit whose MOBILE setup fails, the main one not', async () => {
  work = await mkdtemp(path.join(tmpdir(), 'practice-kit-'));
  const kit = path.join(work, 'kit');
  expect((await runMain('practice', 'kit', kit, '--mobile-setup-fails', '1603')).code).toBe(0);
  const behaviour = JSON.parse(
    await readFile(path.join(kit, 'setup', 'practice-setup.json'), 'utf8'),
  ) as unknown;
  expect(behaviour).toEqual({ failWith: null, mobileFailWith: 1603, hang: false });
  expect((await runMain('practice', 'kit', path.join(work, 'bad'), '--mobile-setup-fails', 'x')).code).toBe(
    2,
  );
});

it('practice kit: its setups write their own log, and 3010 and 1641 leave files for the restart', async () => {
  work = await mkdtemp(path.join(tmpdir(), 'practice-kit-'));
  const kit = path.join(work, 'kit');
  expect((await runMain('practice', 'kit', kit, '--setup-fails', '3010')).code).toBe(0);
  const manifest = JSON.parse(await readFile(path.join(kit, 'kit.json'), 'utf8')) as {
    setups: { args: string[]; rebootExitCodes: number[]; rebootingExitCodes: number[] }[];
  };
  for (const setup of manifest.setups) {
    expect(setup.args.slice(-2)).toEqual(['--log', '{setupLog}']);
    expect(setup).toMatchObject({ rebootExitCodes: [3010], rebootingExitCodes: [1641] });
  }
  const payload = JSON.parse(
    await readFile(path.join(kit, 'setup', 'payload-crm', 'payload.json'), 'utf8'),
  ) as { replacedAtRestart: string[] };
  expect(payload.replacedAtRestart).toEqual(['bin/Crm.Web.dll', 'bin/version.txt']);
});

it('practice installer DIR busy|idle and practice restart DIR change what the engine sees', async () => {
  work = await mkdtemp(path.join(tmpdir(), 'practice-kit-'));
  const server = path.join(work, 'server');
  expect((await runMain('practice', 'init', server)).code).toBe(0);
  const read = async () =>
    JSON.parse(await readFile(path.join(server, 'practice-server.json'), 'utf8')) as {
      installerBusy?: boolean;
      lastBoot?: string;
    };
  expect((await runMain('practice', 'installer', server, 'busy')).code).toBe(0);
  expect((await read()).installerBusy).toBe(true);
  expect((await runMain('practice', 'installer', server, 'idle')).code).toBe(0);
  expect((await read()).installerBusy).toBe(false);
  expect((await runMain('practice', 'installer', server, 'maybe')).code).toBe(2);
  const restarted = await runMain('practice', 'restart', server);
  expect(restarted).toMatchObject({ code: 0 });
  expect(restarted.stdout).toContain('practice server restarted: 0 files replaced at the restart');
  expect((await read()).lastBoot).toMatch(/^\d{4}-\d\d-\d\dT/);
  expect((await runMain('practice', 'restart', path.join(work, 'not-a-server'))).code).toBe(2);
});

it('demo --setup-fails 1641: the run stops for the restart, the practice server restarts, the upgrade ends', async () => {
  const demo = await runMain('demo', '--lang', 'en', '--setup-fails', '1641');
  const root = /Practice server: (.*)\/server\n/.exec(demo.stdout)?.[1];
  if (root) work = root;
  expect(demo.stdout).toContain(
    'The server is restarting: start the upgrade manager again after the reboot.',
  );
  expect(demo.stdout).toContain('(demo) The practice server restarts');
  expect(demo.code).toBe(0);
  expect(demo.stdout).toMatch(/Report: .*report\.html/);
}, 60_000);
