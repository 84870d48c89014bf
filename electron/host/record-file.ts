import { randomBytes } from 'node:crypto';
import { mkdir, open, rename } from 'node:fs/promises';
import path from 'node:path';

/**
 * A record the run keeps on the server (a pool held stopped, a site locked out), as JSON with its
 * format number: written whole and synced, then renamed into place, so that a crash leaves the
 * old record or the new one.
 */
export async function writeRecordFile(file: string, record: object): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify({ format: 1, ...record }, null, 1)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
