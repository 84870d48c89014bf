import path from 'node:path';
import { parseArgs } from 'node:util';
import type { FileProgress } from '../core/files/manifest';
import { zipFolder } from '../core/files/zip-backup';
import { restoreZip } from '../core/files/zip-restore';
import { verifyZip } from '../core/files/zip-verify';
import type { Language } from '../shared/i18n';
import { UpgradeError, msg } from '../shared/message';
import { TerminalView, printFailure } from './terminal';
import { UsageError, complain, language, say } from './usage';

/**
 * `crm-upgrade backup files|verify` and `crm-upgrade restore files`: the application-folder
 * backup on its own, for admins and scripts. Exit 0: done; 1: it failed, and the message (in
 * Italian or English) says why and what to do; 2: bad usage.
 */
const BACKUP_EXIT = { ok: 0, failed: 1 } as const;

export const BACKUP_USAGE = `  crm-upgrade backup files DIR --out ZIP [--exclude PATH…] [--lang it|en]
      Zips the application folder DIR into ZIP, with its manifest beside it (ZIP.manifest.json).
      --exclude leaves out a path relative to DIR (a folder and all it holds), e.g. App_Data/Logs.
  crm-upgrade backup verify ZIP [--lang it|en]
      Checks ZIP against its manifest: its SHA-256, every entry, every CRC-32.
  crm-upgrade restore files ZIP --to DIR [--to-other-folder] [--lang it|en]
      Puts DIR back exactly as the backup recorded it, then proves it with the tree hash.
      DIR must be the folder the backup was taken from (its manifest says which); with
      --to-other-folder, another folder that is empty or does not exist yet.
      Exit 0: done; 1: failed (the message says why and what to do); 2: bad usage.`;

const MB = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

/** Progress on stderr, a line at most every second: files, bytes, percent and the time left. */
function progressPrinter(lang: Language): (p: FileProgress) => void {
  const started = Date.now();
  let last = started;
  let finished = false;
  return (p) => {
    const now = Date.now();
    const percent =
      p.bytesTotal > 0
        ? (100 * p.bytesDone) / p.bytesTotal
        : p.itemsTotal > 0
          ? (100 * p.itemsDone) / p.itemsTotal
          : 100;
    if (finished || (now - last < 1000 && percent < 100)) return;
    finished = percent >= 100;
    last = now;
    const left =
      percent > 1 && percent < 100 ? Math.round(((now - started) * (100 - percent)) / percent / 1000) : null;
    const files = lang === 'it' ? 'voci' : 'entries';
    const eta = left === null ? '' : lang === 'it' ? ` · ancora ${left} s` : ` · ${left} s left`;
    complain(
      `  ${percent.toFixed(0).padStart(3)} % · ${p.itemsDone.toLocaleString(lang)}/${p.itemsTotal.toLocaleString(lang)} ${files} · ${MB(p.bytesDone)}/${MB(p.bytesTotal)}${eta}`,
    );
  };
}

async function run(lang: Language, work: () => Promise<void>): Promise<number> {
  try {
    await work();
    return BACKUP_EXIT.ok;
  } catch (err) {
    if (!(err instanceof UpgradeError)) throw err;
    printFailure(err, lang);
    return BACKUP_EXIT.failed;
  }
}

export async function backupCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'files') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        out: { type: 'string' },
        exclude: { type: 'string', multiple: true },
        lang: { type: 'string' },
      },
      strict: true,
    });
    const dir = positionals[0];
    if (!dir || positionals.length > 1 || !values.out)
      throw new UsageError('backup files DIR --out ZIP [--exclude PATH…]');
    const lang = language(values.lang);
    const view = new TerminalView(lang, say);
    return run(lang, async () => {
      const exclusions = values.exclude ?? [];
      const manifest = await zipFolder(path.resolve(dir), path.resolve(values.out ?? ''), {
        exclusions,
        onProgress: progressPrinter(lang),
      });
      say(view.text(msg('backup.files.done', { zip: path.resolve(values.out ?? '') })));
      say(
        lang === 'it'
          ? `  ${manifest.entryCount} voci, ${MB(manifest.zip.bytes)}, SHA-256 ${manifest.zip.sha256}, in ${(manifest.durationMs / 1000).toFixed(1)} s`
          : `  ${manifest.entryCount} entries, ${MB(manifest.zip.bytes)}, SHA-256 ${manifest.zip.sha256}, in ${(manifest.durationMs / 1000).toFixed(1)} s`,
      );
      if (exclusions.length > 0) say(`  ${lang === 'it' ? 'esclusi' : 'excluded'}: ${exclusions.join(', ')}`);
    });
  }
  if (verb === 'verify') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: { lang: { type: 'string' } },
      strict: true,
    });
    const zip = positionals[0];
    if (!zip || positionals.length > 1) throw new UsageError('backup verify ZIP');
    const lang = language(values.lang);
    return run(lang, async () => {
      const manifest = await verifyZip(path.resolve(zip), progressPrinter(lang));
      say(
        lang === 'it'
          ? `✔ La copia ${path.resolve(zip)} è integra: ${manifest.entries.length} voci, SHA-256 ${manifest.zip.sha256}.`
          : `✔ The copy ${path.resolve(zip)} is whole: ${manifest.entries.length} entries, SHA-256 ${manifest.zip.sha256}.`,
      );
    });
  }
  throw new UsageError(`unknown backup command: ${verb ?? '(none)'}`);
}

export async function restoreCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'files') throw new UsageError(`unknown restore command: ${verb ?? '(none)'}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { to: { type: 'string' }, 'to-other-folder': { type: 'boolean' }, lang: { type: 'string' } },
    strict: true,
  });
  const zip = positionals[0];
  if (!zip || positionals.length > 1 || !values.to) throw new UsageError('restore files ZIP --to DIR');
  const lang = language(values.lang);
  return run(lang, async () => {
    const target = path.resolve(values.to ?? '');
    const hash = await restoreZip(path.resolve(zip), target, progressPrinter(lang), {
      toOtherFolder: values['to-other-folder'] ?? false,
    });
    say(
      lang === 'it'
        ? `✔ ${target} è di nuovo com'era al momento della copia (tree hash ${hash}).`
        : `✔ ${target} is back as it was when the copy was made (tree hash ${hash}).`,
    );
  });
}
