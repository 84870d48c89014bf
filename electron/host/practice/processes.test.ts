import { execFile } from 'node:child_process';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type PracticeFixture, practiceFixture, useRealFolder } from '../../testing/practice-fixture';
import { closeAfterEach } from '../../testing/session-harness';
import { treeHash } from '../../core/files/tree';
import { paths, readJson, serverFileSchema, writeJsonAtomic, iisFileSchema } from './layout';
import {
  type RunnerRuntime,
  currentRunnerRuntime,
  practiceProcesses,
  practiceSetupNode,
  restartPracticeServer,
  setPracticeInstallerBusy,
} from './processes';

/**
 * Issue 12, "practice stays practice": the practice setup runner never starts the app's own
 * (elevated) executable, and nothing but `--payload NAME --target DIR` from a kit reaches it.
 */

const SAFETY_NET_MS = 30_000;
const node: RunnerRuntime = { execPath: '/usr/bin/node', electron: undefined, defaultApp: false, sea: false };
const packagedApp: RunnerRuntime = {
  execPath: 'C:\\Users\\admin\\AppData\\Local\\Temp\\2abc\\CRM Upgrade Manager.exe',
  electron: '45.4.1',
  defaultApp: false,
  sea: false,
};

let fx: PracticeFixture | undefined;
const outside = useRealFolder();
closeAfterEach(() => [fx]);

/** The practice server with its pool stopped: a setup asked properly would replace the files. */
async function readyToInstall(): Promise<{ program: string; args: string[] }> {
  fx = await practiceFixture();
  await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
  return {
    program: path.join(fx.kitDir, 'setup', 'crm-setup.mjs'),
    args: ['--payload', 'payload-crm', '--target', fx.appDir],
  };
}

describe('the practice setup runner', () => {
  it('refuses in a packaged app: its executable is the elevated exe itself', async () => {
    const { program, args } = await readyToInstall();
    const before = await treeHash(fx!.appDir);
    for (const runtime of [packagedApp, { ...node, sea: true }]) {
      const run = practiceProcesses(fx!.serverDir, runtime).runSetup(program, args, {
        timeoutMs: SAFETY_NET_MS,
      });
      await expect(run).rejects.toMatchObject({
        message_: { key: 'practice-edition.setup-packaged', params: { program: 'crm-setup.mjs' } },
      });
    }
    expect(await treeHash(fx!.appDir)).toBe(before);
  });

  it('runs the setup with a Node: plain Node as it is, development Electron made a Node', () => {
    expect(practiceSetupNode(node)).toEqual({ executable: '/usr/bin/node', env: {} });
    expect(practiceSetupNode({ ...packagedApp, execPath: '/repo/electron', defaultApp: true })).toEqual({
      executable: '/repo/electron',
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    expect(practiceSetupNode(packagedApp)).toBeNull();
    // This test process is a plain Node: the setups of the other tests run with it.
    expect(practiceSetupNode(currentRunnerRuntime())).toEqual({ executable: process.execPath, env: {} });
  });

  it('refuses arguments a kit adds, a target outside the practice server, and any other script', async () => {
    const { program, args } = await readyToInstall();
    const root = fx!.serverDir;
    const before = await treeHash(fx!.appDir);
    const run = (p: string, a: string[]) =>
      practiceProcesses(root, node).runSetup(p, a, { timeoutMs: SAFETY_NET_MS });
    for (const a of [
      [...args, '--gpu-launcher=cmd.exe /c calc'],
      ['--inspect-brk', ...args],
      ['--payload', '../../payload-crm', '--target', fx!.appDir],
      ['--payload', '--inspect', '--target', fx!.appDir],
      ['--payload', 'payload-crm', '--target', outside()],
      ['--payload', 'payload-crm', '--target', path.join(root, '..', path.basename(outside()))],
      ['--payload', 'payload-crm', '--target', 'C/inetpub/wwwroot/CRM'],
      ['--payload', 'payload-crm', '--target', fx!.appDir, '--log', path.join(outside(), 'setup.log')],
      ['--payload', 'payload-crm', '--target', fx!.appDir, '--log', 'setup.log'],
      ['--payload', 'payload-crm', '--target', fx!.appDir, '--logs', path.join(root, 'setup.log')],
    ]) {
      await expect(run(program, a), JSON.stringify(a)).rejects.toMatchObject({
        message_: { key: 'practice-edition.setup-args' },
      });
    }
    const other = path.join(fx!.kitDir, 'setup', 'payload-crm', 'payload.json');
    for (const p of [other, path.join(fx!.kitDir, 'notes', 'crm-setup.mjs'), 'setup/crm-setup.mjs']) {
      await expect(run(p, args), p).rejects.toMatchObject({
        message_: { key: 'practice.setup-not-practice' },
      });
    }
    expect(await treeHash(fx!.appDir)).toBe(before);
    expect(await readdir(outside())).toEqual(['web.config']);
    // Asked properly, the same setup installs.
    expect((await run(program, args)).exitCode).toBe(0);
  });

  it('the practice setup itself writes nowhere outside the server it is given', async () => {
    const { program } = await readyToInstall();
    const run = (...args: string[]) =>
      promisify(execFile)(process.execPath, [program, ...args], {
        env: { ...process.env, CRM_PRACTICE_SERVER: fx!.serverDir },
      }).then(
        () => 0,
        (err: { code: number }) => err.code,
      );
    expect(await run('--payload', 'payload-crm', '--target', outside())).toBe(87);
    expect(await run('--payload', 'payload-crm', '--target', fx!.appDir, '--extra')).toBe(87);
    expect(await readdir(outside())).toEqual(['web.config']);
  });
});

describe('the practice setup runner behaves as a server would', () => {
  const setupOf = (kitDir: string) => path.join(kitDir, 'setup', 'crm-setup.mjs');

  it('waits after the setup exits while Windows Installer is busy, and names it on a timeout', async () => {
    const { program, args } = await readyToInstall();
    const processes = practiceProcesses(fx!.serverDir, node);
    await setPracticeInstallerBusy(fx!.serverDir, true);
    expect(await processes.installerBusy()).toBe(true);
    // The setup refuses at once (1618); the other installation ends a moment later, while the runner waits.
    let refusedAt = 0;
    const run = await processes.runSetup(program, args, {
      timeoutMs: SAFETY_NET_MS,
      onOutput: (line) => {
        if (!line.startsWith('Another installation') || refusedAt) return;
        refusedAt = Date.now();
        setTimeout(() => void setPracticeInstallerBusy(fx!.serverDir, false), 200);
      },
    });
    expect(Date.now() - refusedAt).toBeGreaterThanOrEqual(200);
    expect(run).toMatchObject({ exitCode: 1618, timedOut: false });
    expect(run.output).toMatch(/Another installation is already in progress/);

    await setPracticeInstallerBusy(fx!.serverDir, true);
    const stuck = await processes.runSetup(program, args, { timeoutMs: 1_000 });
    expect(stuck.timedOut).toBe(true);
    expect(stuck.stillRunning).toContain('Windows Installer (_MSIExecute)');
  });

  it('writes its own log where it is told, inside the practice server only', async () => {
    const { program, args } = await readyToInstall();
    const log = path.join(fx!.serverDir, 'C', 'ProgramData', 'setup-main.log');
    const run = await practiceProcesses(fx!.serverDir, node).runSetup(program, [...args, '--log', log], {
      timeoutMs: SAFETY_NET_MS,
    });
    expect(run.exitCode).toBe(0);
    const text = await readFile(log, 'utf8');
    expect(text).toMatch(/CRM setup 7\.8\.5/);
    expect(text).toMatch(/exit code 0\n$/);
  });

  it('after 3010 keeps the files in use for the restart; practice restart puts them in place', async () => {
    fx = await practiceFixture({ kit: { setupFailsWith: 3010 } });
    await fx.host.iis.stopPool('CRMAppPool', SAFETY_NET_MS);
    const processes = practiceProcesses(fx.serverDir, node);
    const bootBefore = await processes.lastBoot();
    const run = await processes.runSetup(
      setupOf(fx.kitDir),
      ['--payload', 'payload-crm', '--target', fx.appDir],
      {
        timeoutMs: SAFETY_NET_MS,
      },
    );
    expect(run).toMatchObject({ exitCode: 3010, timedOut: false });
    const version = () => readFile(path.join(fx!.appDir, 'bin', 'version.txt'), 'utf8');
    expect(await version()).toMatch(/^7\.8\.4/);
    expect(await readFile(path.join(fx.appDir, 'Login.aspx'), 'utf8')).toMatch(/CRM 7\.8\.5/);
    expect(await fx.host.system.pendingReboot()).toEqual(['PendingFileRenameOperations']);

    // WAS stopped by someone: the restart starts it again, and the pools whose autoStart is true.
    const p = paths(fx.serverDir);
    const server = await readJson(p.server, serverFileSchema);
    await writeJsonAtomic(p.server, { ...server, iis: { ...server.iis, w3svc: 'stopped' } });
    expect(await restartPracticeServer(fx.serverDir)).toEqual({ renamed: 2 });
    expect(await version()).toMatch(/^7\.8\.5/);
    expect(await fx.host.system.pendingReboot()).toEqual([]);
    expect(await processes.lastBoot()).not.toBe(bootBefore);
    expect(await processes.installerBusy()).toBe(false);
    // The pool the run holds stopped (autoStart false) stays so; the others start.
    const pools = (await readJson(p.iis, iisFileSchema)).pools;
    expect(pools.CRMAppPool).toMatchObject({ autoStart: false, state: 'stopped' });
    expect(pools.CRMMobilePool?.state).toBe('started');
    expect((await readJson(p.server, serverFileSchema)).iis.w3svc).toBe('running');
  });
});
