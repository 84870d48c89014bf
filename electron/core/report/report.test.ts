import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { msg } from '../../shared/message';
import type { Session, SessionStep } from '../../shared/plan';
import { type ReportInput, renderReportHtml, reportSetupLogs, writeReport } from './report';

let dir = '';
afterEach(() => (dir ? rm(dir, { recursive: true, force: true }) : undefined));

const setupStep = (
  id: 'upgrade.setup' | 'upgrade.mobile-setup',
  evidence: SessionStep['evidence'],
): SessionStep => ({
  id,
  phase: 'upgrade',
  kind: 'action',
  optional: false,
  skippable: false,
  title: msg(id === 'upgrade.setup' ? 'step.upgrade.setup.title' : 'step.upgrade.mobile-setup.title'),
  status: 'passed',
  evidence,
  actions: [],
});

function input(steps: SessionStep[]): ReportInput {
  const session = {
    mode: 'windows',
    server: { hostname: 'CRM-APP01', installedVersion: null, installPath: null },
    kit: { versionName: '7.8.5.13100517_x64', practiceKey: false },
    run: {
      id: 'r1',
      state: 'finished',
      resumed: false,
      actions: [],
      usersRecheckMs: 5000,
      rollbackBegun: false,
      stopping: false,
    },
    steps,
    releaseNotes: [],
  } as unknown as Session;
  return {
    session,
    outcome: 'upgraded',
    fromVersion: '7.8.4.13050210_x64',
    toVersion: '7.8.5.13100517_x64',
    kitKey: null,
    artifacts: [],
    startedAt: '2026-11-27T18:00:00.000Z',
    finishedAt: '2026-11-27T18:10:00.000Z',
  };
}

describe("the setups' own logs in the report", () => {
  const msiLog = 'C:\\ProgramData\\CrmUpgradeManager\\runs\\r1\\setup-main.log';
  const steps = [
    setupStep('upgrade.setup', {
      setupLog: msiLog,
      setupLogCopy: 'E:\\kit\\reports\\r1\\setup-main.log',
      exitCode: 0,
    }),
    setupStep('upgrade.mobile-setup', { exitCode: 0 }), // an .exe whose kit names no log
  ];

  it('lists each setup that wrote one, with its copy on the kit', () => {
    expect(reportSetupLogs(steps)).toEqual([
      { step: 'upgrade.setup', path: msiLog, copy: 'E:\\kit\\reports\\r1\\setup-main.log' },
    ]);
  });

  it('names them in report.json and in both HTML reports', async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'report-'));
    const { jsonPath, htmlPath } = await writeReport(dir, input(steps));
    const json = JSON.parse(await readFile(jsonPath, 'utf8')) as { setupLogs: unknown };
    expect(json.setupLogs).toEqual(reportSetupLogs(steps));
    const it = await readFile(htmlPath, 'utf8');
    expect(it).toContain('<h2>Log dei setup</h2>');
    expect(it).toContain(`Setup di aggiornamento del CRM: ${msiLog}`);
    expect(renderReportHtml(input(steps), 'en')).toContain('<h2>Setup logs</h2>');
    expect(renderReportHtml(input([steps[1]!]), 'en')).not.toContain('Setup logs');
  });
});
