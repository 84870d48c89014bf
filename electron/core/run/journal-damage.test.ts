import type { FileHandle } from 'node:fs/promises';
import { appendFile, mkdtemp, open, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JOURNAL_FILE, Journal, type OpenFile, readJournal, replay } from './journal';
import { runRecord } from '../../testing/journal-records';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'journal-damage-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/**
 * The seam for a full disk: files open as usual, but the chosen file's writes fail as told
 * (`short`: half the bytes reach the disk and the call says so; `enospc`: half reach it, then
 * ENOSPC, as a write cut by a full disk does).
 */
function faultyOpen(target: string, fault: { mode: 'short' | 'enospc' | 'none' }): OpenFile {
  return async (file, flags) => {
    const handle = await open(file, flags);
    if (path.resolve(file) !== path.resolve(target)) return handle;
    const write = async (data: Buffer, offset = 0, length = data.length) => {
      if (fault.mode === 'none') return handle.write(data, offset, length);
      const half = Math.floor(length / 2);
      await handle.write(data, offset, half);
      if (fault.mode === 'short') return { bytesWritten: half, buffer: data };
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    };
    return new Proxy(handle, {
      get: (h, prop) =>
        prop === 'write' ? write : (Reflect.get(h, prop, h) as unknown as (...a: unknown[]) => unknown),
    }) as FileHandle;
  };
}

describe('a torn last line', () => {
  it('is cut off before the next append, so the resumed journal stays whole', async () => {
    const file = path.join(dir, 'r1', JOURNAL_FILE);
    const j = await Journal.create(file, runRecord('r1'));
    await j.append({ t: 'state', at: 'x', state: 'running' });
    // A power cut in the middle of a line.
    await appendFile(file, '{"t":"step","at":"x","step":{"id":"check.kit","sta');

    const { journal, records } = await Journal.open(file);
    expect(replay(records).state).toBe('running');
    await journal.append({ t: 'state', at: 'y', state: 'paused' });

    const text = await readFile(file, 'utf8');
    expect(text).not.toContain('"check.kit","sta');
    expect(text.endsWith('\n')).toBe(true);
    const after = await readJournal(file);
    expect(after.map((r) => r.t)).toEqual(['run', 'state', 'state']);
    expect(replay(after).state).toBe('paused');
  });

  it('without its newline is torn too, even when its bytes parse', async () => {
    const file = path.join(dir, 'r2', JOURNAL_FILE);
    await Journal.create(file, runRecord('r2'));
    await appendFile(file, JSON.stringify({ t: 'state', at: 'x', state: 'running' }));
    const { journal, records } = await Journal.open(file);
    expect(records).toHaveLength(1);
    await journal.append({ t: 'state', at: 'y', state: 'paused' });
    expect((await readJournal(file)).map((r) => (r.t === 'state' ? r.state : r.t))).toEqual([
      'run',
      'paused',
    ]);
  });

  it('left by a crash beside a live writer is trimmed at the next append too', async () => {
    const file = path.join(dir, 'r3', JOURNAL_FILE);
    const j = await Journal.create(file, runRecord('r3'));
    await appendFile(file, '\0\0\0\0');
    await j.append({ t: 'state', at: 'x', state: 'running' });
    expect((await readJournal(file)).map((r) => r.t)).toEqual(['run', 'state']);
  });
});

describe('an append that cannot be written whole', () => {
  it.each(['short', 'enospc'] as const)(
    'a %s write on the server says the disk is full, names the file and leaves whole lines only',
    async (mode) => {
      const file = path.join(dir, 'srv', 'runs', 'r4', JOURNAL_FILE);
      const fault = { mode: 'none' as 'short' | 'enospc' | 'none' };
      const j = await Journal.create(file, runRecord('r4'), { openFile: faultyOpen(file, fault) });
      const sizeBefore = (await stat(file)).size;
      fault.mode = mode;
      await expect(j.append({ t: 'state', at: 'x', state: 'running' })).rejects.toMatchObject({
        name: 'UpgradeError',
        message_: { key: 'journal.disk-full', params: { file } },
      });
      expect((await stat(file)).size).toBe(sizeBefore);
      // Room again: the next record lands whole after the last whole line.
      fault.mode = 'none';
      await j.append({ t: 'state', at: 'y', state: 'paused' });
      expect((await readJournal(file)).map((r) => (r.t === 'state' ? r.state : r.t))).toEqual([
        'run',
        'paused',
      ]);
    },
  );

  it('a full kit fails the append too, and the copy is made whole again at the next one', async () => {
    const file = path.join(dir, 'srv', 'runs', 'r5', JOURNAL_FILE);
    const copy = path.join(dir, 'kit', 'reports', 'CRM-APP01', 'r5', JOURNAL_FILE);
    const fault = { mode: 'none' as 'short' | 'enospc' | 'none' };
    const j = await Journal.create(file, runRecord('r5'), { copy, openFile: faultyOpen(copy, fault) });
    fault.mode = 'enospc';
    await expect(j.append({ t: 'state', at: 'x', state: 'running' })).rejects.toMatchObject({
      message_: { key: 'journal.kit-full', params: { file: copy } },
    });
    // The server's journal, the truth, has it; the copy holds whole lines only.
    expect((await readJournal(file)).map((r) => r.t)).toEqual(['run', 'state']);
    expect((await readJournal(copy)).map((r) => r.t)).toEqual(['run']);
    fault.mode = 'none';
    await j.append({ t: 'state', at: 'y', state: 'paused' });
    expect(await readFile(copy, 'utf8')).toBe(await readFile(file, 'utf8'));
  });

  it('a resumed journal brings its kit copy up to the server journal', async () => {
    const file = path.join(dir, 'srv', 'runs', 'r6', JOURNAL_FILE);
    const copy = path.join(dir, 'kit', 'r6', JOURNAL_FILE);
    const first = await Journal.create(file, runRecord('r6'));
    await first.append({ t: 'state', at: 'x', state: 'running' });
    await appendFile(file, '{"t":"st');
    const { journal } = await Journal.open(file, { copy });
    await journal.append({ t: 'state', at: 'y', state: 'paused' });
    expect(await readFile(copy, 'utf8')).toBe(await readFile(file, 'utf8'));
    expect(replay(await readJournal(copy)).state).toBe('paused');
  });
});

it('a kit copy that lost its lines (the stick swapped) is rewritten whole, never left headless', async () => {
  const file = path.join(dir, 'srv', 'runs', 'r7', JOURNAL_FILE);
  const copy = path.join(dir, 'kit', 'r7', JOURNAL_FILE);
  const j = await Journal.create(file, runRecord('r7'), { copy });
  await j.append({ t: 'state', at: 'x', state: 'running' });
  await rm(path.dirname(copy), { recursive: true });
  await j.append({ t: 'state', at: 'y', state: 'paused' });
  expect(await readFile(copy, 'utf8')).toBe(await readFile(file, 'utf8'));
});
