// Run by zip-disk-full.test.ts in a child whose largest file is capped (`ulimit -f`): zips the
// folder argv[2] into argv[3] and prints what zipFolder threw (or "zipped"), as JSON on stdout.
// Node ignores SIGXFSZ, so a write past the cap fails with EFBIG, as a write to a full disk fails
// with ENOSPC: the real file system refuses, nothing is faked.
import { zipFolder } from '../core/files/zip-backup';

const [folder, zip] = process.argv.slice(2);
try {
  await zipFolder(folder!, zip!);
  process.stdout.write(JSON.stringify({ zipped: true }));
} catch (err) {
  const message = (err as { message_?: unknown }).message_ ?? null;
  process.stdout.write(JSON.stringify({ zipped: false, message, error: String(err) }));
}
