import { spawn } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { type JournalRecord, readJournal } from '../core/run/journal';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NEW = '7.8.5.13100517_x64';

/** `npm run demo -- --farm 3`, as the admin runs it: a whole process. */
function demo(): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['electron/cli/bin.mjs', 'demo', '--farm', '3', '--lang', 'en'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

interface Timeline {
  host: string;
  /** When users were locked out, and let back in (forward run only). */
  lockedAt: string;
  reopenedAt: string;
  codeAfter: string;
  /** "Aggiorna Database" seen done from here: the window it happened in. */
  updates: { connection: string; from: string; to: string }[];
}

/** The server's journal, read as a timeline of what users could reach and when the databases moved. */
function timeline(host: string, records: readonly JournalRecord[]): Timeline {
  const steps = records.flatMap((r) => (r.t === 'step' ? [r.step] : []));
  const last = (id: string) => steps.filter((s) => s.id === id).at(-1);
  const updates = steps
    .filter(
      (s) => s.id.startsWith('after.db-update:') && s.status === 'passed' && s.evidence.updatedHere === true,
    )
    .map((s) => {
      const waited = steps.find(
        (w) => w.id === s.id && w.status === 'waiting' && w.evidence.farmReady === true,
      );
      return { connection: s.id.split(':')[1] ?? '', from: waited?.startedAt ?? '', to: s.finishedAt ?? '' };
    });
  return {
    host,
    lockedAt: last('backup.lockout-on')?.startedAt ?? '',
    reopenedAt: last('after.lockout-off')?.finishedAt ?? '',
    codeAfter: String(last('upgrade.check-version')?.evidence.found ?? ''),
    updates,
  };
}

it('demo --farm 3: every server at 7.8.5, each database updated once, no server ever open on a mismatched database', async () => {
  const { code, stdout } = await demo();
  expect(code, stdout).toBe(0);
  const farmDir = /Practice farm: (\S+)/.exec(stdout)?.[1] ?? '';
  expect(stdout).toContain('Farm complete.');
  const lines: Timeline[] = [];
  for (const host of ['CRM-APP01', 'CRM-APP02', 'CRM-APP03']) {
    const runs = path.join(farmDir, host, 'C', 'ProgramData', 'CrmUpgradeManager', 'runs');
    const [run, ...others] = await readdir(runs);
    expect(others, host).toEqual([]);
    lines.push(timeline(host, await readJournal(path.join(runs, run ?? '', 'journal.jsonl'))));
  }
  for (const t of lines) expect(t.codeAfter, t.host).toBe(NEW);
  const updates = lines.flatMap((t) => t.updates.map((u) => ({ ...u, host: t.host })));
  // Once per connection, on one server, inside a window the journal recorded.
  expect(updates.map((u) => u.connection).sort()).toEqual(['Formazione', 'Produzione']);
  for (const u of updates) expect(u.from <= u.to && u.from !== '', JSON.stringify(u)).toBe(true);
  const firstUpdate = updates.map((u) => u.from).sort()[0] ?? '';
  const lastUpdate =
    updates
      .map((u) => u.to)
      .sort()
      .at(-1) ?? '';
  for (const t of lines) {
    // Open on 7.8.4 only before any database moved; open on 7.8.5 only after every one had.
    expect(t.lockedAt <= firstUpdate, `${t.host} locked at ${t.lockedAt}, update from ${firstUpdate}`).toBe(
      true,
    );
    expect(t.reopenedAt >= lastUpdate, `${t.host} reopened at ${t.reopenedAt}, update to ${lastUpdate}`).toBe(
      true,
    );
  }
  expect(stdout).toMatch(
    /Produzione \(CRM_PROD\): 7\.8\.5\.13100517_x64 · backup by CRM-APP0\d · updated by CRM-APP0\d/,
  );
});
