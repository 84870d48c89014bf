import { appendFile, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, Journal, findUnfinishedRun, readJournal, replay } from './journal';
import { journalStep as step, runRecord } from '../../testing/journal-records';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'journal-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

describe('journal', () => {
  it('replays steps, state and artifacts in the order they were written', async () => {
    const file = path.join(dir, 'r1', JOURNAL_FILE);
    const j = await Journal.create(file, runRecord('r1'));
    await j.append({ t: 'state', at: 'x', state: 'running' });
    await j.append({ t: 'step', at: 'x', step: step('check.kit', 'running') });
    await j.append({ t: 'step', at: 'x', step: step('check.kit', 'passed') });
    const backup = {
      kind: 'db-backup' as const,
      connection: 'A',
      database: 'DB',
      schemaVersion: 'v',
      path: '/b',
      bytes: 1,
      sha256: 'h',
      position: 1,
      durationMs: 1,
      verified: false,
    };
    await j.append({ t: 'artifact', at: 'x', artifact: backup });
    await j.append({ t: 'artifact', at: 'x', artifact: { ...backup, verified: true } });
    await j.append({ t: 'state', at: 'x', state: 'paused' });
    const r = replay(await readJournal(file));
    expect(r.state).toBe('paused');
    expect(r.steps.get('check.kit')?.status).toBe('passed');
    expect(r.steps.get('check.users')?.status).toBe('pending');
    expect(r.artifacts).toEqual([{ ...backup, verified: true }]);
  });

  it('serialises concurrent appends: every line whole, in call order', async () => {
    const file = path.join(dir, 'r2', JOURNAL_FILE);
    const j = await Journal.create(file, runRecord('r2'));
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        j.append({ t: 'step', at: String(i), step: step('check.kit', i % 2 ? 'running' : 'passed') }),
      ),
    );
    const records = await readJournal(file);
    expect(records).toHaveLength(41);
    expect(records.slice(1).map((r) => r.at)).toEqual(Array.from({ length: 40 }, (_, i) => String(i)));
  });

  it('ignores a last line torn by a crash, and refuses damage anywhere else', async () => {
    const file = path.join(dir, 'r3', JOURNAL_FILE);
    const j = await Journal.create(file, runRecord('r3'));
    await j.append({ t: 'state', at: 'x', state: 'running' });
    await appendFile(file, '{"t":"step","at":"x","step":{"id":"check.kit","sta');
    expect(replay(await readJournal(file)).state).toBe('running');

    const lines = (await readFile(file, 'utf8')).split('\n');
    lines.splice(1, 0, '{not json');
    await writeFile(file, lines.join('\n'));
    await expect(readJournal(file)).rejects.toMatchObject({
      message_: { key: 'journal.corrupt', params: { line: 2 } },
    });
  });

  it('refuses a record that does not fit the schema instead of writing it', async () => {
    const j = await Journal.create(path.join(dir, 'r4', JOURNAL_FILE), runRecord('r4'));
    await expect(j.append({ t: 'state', at: 'x', state: 'exploded' } as never)).rejects.toThrow();
  });

  it('finds the newest run that ended neither upgraded nor rolled back', async () => {
    const finished = await Journal.create(path.join(dir, '20261101-a', JOURNAL_FILE), runRecord('a'));
    await finished.append({ t: 'state', at: 'x', state: 'finished' });
    expect(await findUnfinishedRun(dir)).toBeNull();
    const open = await Journal.create(path.join(dir, '20261102-b', JOURNAL_FILE), runRecord('b'));
    await open.append({ t: 'state', at: 'x', state: 'paused' });
    expect(await findUnfinishedRun(dir)).toBe(path.join(dir, '20261102-b', JOURNAL_FILE));
    await open.append({ t: 'state', at: 'x', state: 'rolled-back' });
    expect(await findUnfinishedRun(dir)).toBeNull();
  });
});
