import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { expect, it } from 'vitest';
import { msg } from '../shared/message';
import type { LogEntry } from '../shared/plan';
import { type PracticeFixture, practiceFixture } from '../testing/practice-fixture';
import { closeAfterEach, settle } from '../testing/session-harness';
import { heldHostLog } from './host-log';
import { type AppSession, openSession } from './session';

let fx: PracticeFixture | undefined;
let session: AppSession | undefined;
closeAfterEach(() => [session, fx]);

it("the host's lines, said before the session opened and after, reach the log and the run's run.log", async () => {
  fx = await practiceFixture();
  const held = heldHostLog();
  held.log('info', msg('windows.powershell.started'), 'PowerShell 5.1.17763, FullLanguage');
  session = await openSession({ host: fx.host, kitDir: fx.kitDir });
  const seen: LogEntry[] = [];
  session.subscribe((event, payload) => {
    if (event === 'log') seen.push(payload as LogEntry);
  });
  await session.handlers.practiceLogOffUsers();
  expect(await session.handlers.startRun()).toEqual({ ok: true });
  await settle(session);
  held.attach(session.hostLog);
  held.log('warn', msg('windows.powershell.restarted'), 'Get-CrmSite timed out');
  const fromHost = seen.filter((e) => e.message.key.startsWith('windows.powershell.'));
  expect(fromHost.map((e) => `${e.level} ${e.message.key} ${e.detail ?? ''}`)).toEqual([
    'info windows.powershell.started PowerShell 5.1.17763, FullLanguage',
    'warn windows.powershell.restarted Get-CrmSite timed out',
  ]);
  // run.log is appended asynchronously: wait for the line, not for a fixed time.
  const runLog = () => readFile(path.join(session!.runFolder, 'run.log'), 'utf8').catch(() => '');
  await expect
    .poll(runLog, { timeout: 10_000 })
    .toContain('WARN windows.powershell.restarted {} | Get-CrmSite timed out');
});
