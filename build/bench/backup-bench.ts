// npm run bench:backup [-- --scale N] [--runs N] [--only ours,zip6,zip1,7z,cp] [--levels 1,3,6]
//                          [--data DIR] [--work DIR]
//
// The application-folder backup against the standard tools, in the same run, on the same
// deterministic synthetic CRM folder (pages, scripts, DLLs, images, uploaded documents, most of
// the bytes already compressed): our backup, `zip -r -6`, `zip -r -1`, `7z a -tzip -mx1 -mmt2`
// and `cp -a` as the floor; our verify against `unzip -tq`; our restore (also as a rollback runs it,
// with the zip's hash already proved) against `unzip -q`.
// Medians of --runs (default 3) runs each, the tools taken in a rotating order so that none
// always meets a colder or busier machine. Ours runs bundled (esbuild, as the app ships it) in a
// child process of its own, which reports the operation's time and its peak RSS
// (process.resourceUsage().maxRSS: all threads); the tools' peak RSS comes from /usr/bin/time
// when it is there. A tool that is not installed is said so, and its rows are left out.
//
// --data DIR keeps the synthetic folder between runs of the benchmark (made again if its scale
// differs); --levels adds rows for our backup at other deflate levels (how the default was chosen).
import { spawnSync } from 'node:child_process';
import { createCipheriv, createHash } from 'node:crypto';
import { accessSync, constants, createReadStream, existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, open, readFile, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { median } from './median';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

// ---- the synthetic CRM folder ---------------------------------------------------------------

/** mulberry32: a small deterministic PRNG, so that every run and every machine makes the same folder. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Incompressible bytes (what JPEG, PNG, PDF streams and Office documents look like to deflate). */
function noise(label: string, size: number): Buffer {
  const key = createHash('sha256').update(label).digest();
  const cipher = createCipheriv('aes-256-ctr', key, key.subarray(0, 16));
  return Buffer.concat([cipher.update(Buffer.alloc(size)), cipher.final()]);
}

const WORDS = (
  'cliente contatto azienda offerta ordine fattura pagamento scadenza attività campagna opportunità agente ' +
  'provincia comune indirizzo telefono email note descrizione importo sconto listino articolo magazzino ' +
  'commessa progetto ticket assistenza contratto rinnovo documento allegato utente ruolo permesso modulo ' +
  'function return var const let if else for while this self new null true false string int public private ' +
  'class div span table tr td input select option button label form asp:Label asp:TextBox runat="server" ' +
  'CssClass="campo" id= onclick= href= style= value= width height margin padding color border'
).split(' ');

/** A pool of text that deflate compresses the way real pages and scripts compress (about 4:1). */
function textPool(seed: number, size: number): string {
  const r = prng(seed);
  const parts: string[] = [];
  let n = 0;
  let indent = 0;
  while (n < size) {
    const words: string[] = [];
    const count = 3 + Math.floor(r() * 12);
    for (let i = 0; i < count; i++) {
      const w = WORDS[Math.floor(r() * WORDS.length)] ?? 'x';
      words.push(r() < 0.15 ? `${w}${Math.floor(r() * 1000)}` : w);
    }
    indent = Math.max(0, Math.min(8, indent + Math.floor(r() * 3) - 1));
    const line = `${'  '.repeat(indent)}${r() < 0.3 ? '<' : ''}${words.join(r() < 0.5 ? ' ' : '.')}${r() < 0.3 ? ' />' : ';'}\n`;
    parts.push(line);
    n += line.length;
  }
  return parts.join('');
}

/** Sizes between min and max, log-uniform: many small files, a few big ones. */
const logUniform = (r: () => number, min: number, max: number) =>
  Math.round(Math.exp(Math.log(min) + r() * (Math.log(max) - Math.log(min))));

interface SyntheticStats {
  files: number;
  dirs: number;
  bytes: number;
  compressedBytes: number;
}

/**
 * The synthetic CRM folder at scale 1: 8,533 files and 560 MB, two thirds of the bytes already
 * compressed (images, PDFs, Office documents, a video, uploads saved under GUID names with no
 * extension), the rest pages, scripts, resources, an XML export and DLLs (a few of several MB).
 * `scale` repeats it in `copy-N` folders with other seeds: at scale 10 the zip passes both 4 GiB
 * and 65,535 entries, the two reasons for Zip64.
 */
async function makeSyntheticCrm(root: string, scale = 1): Promise<SyntheticStats> {
  const stats: SyntheticStats = { files: 0, dirs: 0, bytes: 0, compressedBytes: 0 };
  const pool = textPool(7, 4 << 20);
  const when = new Date('2024-03-01T08:00:00Z').getTime() / 1000;
  const made = new Set<string>();
  async function put(
    rel: string,
    data: Buffer | string,
    compressed: boolean,
    r: () => number,
  ): Promise<void> {
    const full = path.join(root, rel);
    const dir = path.dirname(full);
    if (!made.has(dir)) {
      await mkdir(dir, { recursive: true });
      made.add(dir);
      stats.dirs++;
    }
    await writeFile(full, data);
    const t = when + Math.floor(r() * 86400 * 365);
    await utimes(full, t, t);
    const size = typeof data === 'string' ? Buffer.byteLength(data) : data.length;
    stats.files++;
    stats.bytes += size;
    if (compressed) stats.compressedBytes += size;
  }
  const text = (r: () => number, size: number, head: string) => {
    const out: string[] = [head];
    let n = head.length;
    while (n < size) {
      const len = Math.min(size - n, 256 + Math.floor(r() * 3000));
      const at = Math.floor(r() * (pool.length - len));
      out.push(pool.slice(at, at + len));
      n += len;
    }
    return out.join('');
  };
  /** A DLL: code and tables that compress about 2:1. */
  const dll = (r: () => number, size: number, label: string) => {
    const out = Buffer.alloc(size);
    const rnd = noise(label, size);
    for (let off = 0; off < size; off += 4096) {
      const kind = r();
      const end = Math.min(size, off + 4096);
      if (kind < 0.45) rnd.copy(out, off, off, end);
      else if (kind < 0.75)
        out.write(
          pool.slice(Math.floor(r() * 1e6), Math.floor(r() * 1e6) + (end - off)),
          off,
          end - off,
          'latin1',
        );
      else for (let i = off; i + 4 <= end; i += 16) out.writeUInt32LE(Math.floor(r() * 64), i);
    }
    return out;
  };

  for (let copy = 0; copy < scale; copy++) {
    const base = scale === 1 ? '' : `copy-${copy + 1}/`;
    const r = prng(1000 + copy);
    const tag = (s: string) => `${copy}:${s}`;
    await put(`${base}web.config`, text(r, 6000, '<?xml version="1.0"?>\n<configuration>\n'), false, r);
    await put(`${base}Global.asax`, '<%@ Application Inherits="Crm.Web.Global" %>\n', false, r);
    await put(`${base}App_Data/vuoto.txt`, '', false, r);
    await mkdir(path.join(root, `${base}App_Data/Temp`), { recursive: true });
    for (let i = 0; i < 320; i++) {
      const size = logUniform(r, 8_000, 800_000);
      await put(`${base}bin/Crm.Modulo${i}.dll`, dll(r, size, tag(`dll${i}`)), false, r);
    }
    // The third-party libraries: a few DLLs of several megabytes (bigger than one read block).
    for (let i = 0; i < 8; i++) {
      const size = logUniform(r, 4_500_000, 10_000_000);
      await put(`${base}bin/ThirdParty.Controls${i}.dll`, dll(r, size, tag(`big${i}`)), false, r);
    }
    const pageKinds = ['aspx', 'ascx', 'cshtml', 'master', 'html', 'resx'];
    for (let i = 0; i < 2800; i++) {
      const ext = pageKinds[i % pageKinds.length] ?? 'aspx';
      const area = [
        'Anagrafiche',
        'Vendite',
        'Acquisti',
        'Magazzino',
        'Assistenza',
        'Amministrazione',
        'Report',
      ][i % 7];
      await put(
        `${base}Pages/${area}/Sezione${i % 40}/Pagina${i}.${ext}`,
        text(r, logUniform(r, 800, 40_000), `<%@ Page Title="${i}" %>\n`),
        false,
        r,
      );
    }
    for (let i = 0; i < 1400; i++) {
      const ext = i % 3 === 0 ? 'css' : 'js';
      await put(
        `${base}${ext === 'js' ? 'Scripts' : 'Content'}/lib${i % 25}/file${i}.${ext}`,
        text(r, logUniform(r, 600, 120_000), `/* ${i} */\n`),
        false,
        r,
      );
    }
    const imageKinds = ['png', 'jpg', 'gif', 'png', 'jpg'];
    for (let i = 0; i < 2200; i++) {
      const ext = imageKinds[i % imageKinds.length] ?? 'png';
      await put(
        `${base}Images/set${i % 30}/img${i}.${ext}`,
        noise(tag(`img${i}`), logUniform(r, 300, 250_000)),
        true,
        r,
      );
    }
    for (let i = 0; i < 1800; i++) {
      const year = 2015 + (i % 10);
      const size = logUniform(r, 4_000, 600_000);
      if (i % 3 === 0) {
        // Uploads saved by the CRM under a GUID, with no extension: only the content says they are compressed.
        const guid = createHash('md5')
          .update(tag(`up${i}`))
          .digest('hex');
        await put(`${base}Allegati/${year}/${guid}`, noise(tag(`up${i}`), size), true, r);
      } else if (i % 3 === 1) {
        const head = Buffer.from(`%PDF-1.7\n%âãÏÓ\n1 0 obj << /Type /Catalog >> endobj\n`, 'latin1');
        await put(
          `${base}Allegati/${year}/Documento ${i}.pdf`,
          Buffer.concat([head, noise(tag(`pdf${i}`), size)]),
          true,
          r,
        );
      } else {
        const ext = ['docx', 'xlsx', 'pptx', 'zip'][i % 4] ?? 'docx';
        await put(
          `${base}Allegati/${year}/Offerta cliente ${i}.${ext}`,
          noise(tag(`doc${i}`), size),
          true,
          r,
        );
      }
    }
    await put(`${base}Allegati/Formazione/video-formazione.mp4`, noise(tag('mp4'), 64 << 20), true, r);
    await put(
      `${base}App_Data/export-anagrafiche.xml`,
      text(r, 20 << 20, '<?xml version="1.0"?>\n<anagrafiche>\n'),
      false,
      r,
    );
  }
  return stats;
}

// ---- running things ---------------------------------------------------------------------------

interface Sample {
  ms: number;
  rssMb?: number;
  bytes?: number;
}

const mb = (bytes: number) => bytes / 1e6;
const hasTime = existsSync('/usr/bin/time');

/** Whether a command is on the PATH (an executable file of that name in one of its folders). */
function which(tool: string): boolean {
  return (process.env.PATH ?? '').split(path.delimiter).some((dir) => {
    try {
      accessSync(path.join(dir, tool), constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

/** Runs a tool, timed from outside; its peak RSS from /usr/bin/time when there is one. */
function runTool(command: string, args: string[], cwd: string, rssFile: string): Sample {
  const argv = hasTime ? ['/usr/bin/time', '-f', '%M', '-o', rssFile, command, ...args] : [command, ...args];
  const t = performance.now();
  const r = spawnSync(argv[0] ?? command, argv.slice(1), {
    cwd,
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 << 20,
  });
  const ms = performance.now() - t;
  if (r.status !== 0)
    throw new Error(`${command} ${args.join(' ')} failed (${r.status}): ${String(r.stderr).slice(-2000)}`);
  const rss =
    hasTime && existsSync(rssFile)
      ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').pop()) / 1024
      : undefined;
  return { ms, ...(rss ? { rssMb: rss } : {}) };
}

/** The zip's SHA-256, as the journal holds it for a rollback: taken outside the timing. */
async function sha256OfZip(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/** Ours, bundled as the app bundles it, in a child process that reports its own time and peak RSS. */
async function bundleOurs(work: string): Promise<string> {
  const out = path.join(work, 'ours.mjs');
  await build({
    stdin: {
      contents: `
        import { zipFolder } from './electron/core/files/zip-backup';
        import { verifyZip } from './electron/core/files/zip-verify';
        import { restoreZip } from './electron/core/files/zip-restore';
        const [op, a, b, level, proved] = process.argv.slice(2);
        const t = performance.now();
        let bytes;
        if (op === 'backup') bytes = (await zipFolder(a, b, level ? { level: Number(level) } : {})).zip.bytes;
        else if (op === 'verify') await verifyZip(a);
        else if (op === 'restore') await restoreZip(a, b, undefined, { overOtherFolder: true });
        // As a rollback restores: the zip's SHA-256 already proved (recorded at verify, checked on the copy).
        else if (op === 'restore-proved')
          await restoreZip(a, b, undefined, { overOtherFolder: true, provedZipSha256: proved });
        else throw new Error('unknown op ' + op);
        const ms = performance.now() - t;
        process.stdout.write(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024, bytes }) + '\\n');
      `,
      resolveDir: ROOT,
      loader: 'ts',
      sourcefile: 'bench-child.ts',
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outfile: out,
    logLevel: 'error',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
  });
  // The workers are their own entries, found beside the code that starts them (threads.ts).
  await build({
    entryPoints: {
      'zip-thread': path.join(ROOT, 'electron/core/files/zip-thread.ts'),
      'hash-thread': path.join(ROOT, 'electron/core/files/hash-thread.ts'),
    },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    outdir: work,
    outExtension: { '.js': '.mjs' },
    logLevel: 'error',
  });
  return out;
}

function runOurs(bundle: string, args: string[]): Sample {
  const r = spawnSync(process.execPath, [bundle, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0)
    throw new Error(`ours ${args.join(' ')} failed (${r.status}): ${String(r.stderr).slice(-3000)}`);
  const line = String(r.stdout).trim().split('\n').pop() ?? '{}';
  return JSON.parse(line) as Sample;
}

// ---- a simulated setup, for the restore of a folder that was upgraded ------------------------

/** Changes about 5 % of the files, adds some, deletes some: what a setup does to the folder. */
async function simulateSetup(root: string): Promise<void> {
  const r = prng(42);
  const files: string[] = [];
  const walk = async (rel: string) => {
    for (const e of await readdir(path.join(root, rel), { withFileTypes: true })) {
      const p = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(p);
      else files.push(p);
    }
  };
  await walk('');
  for (const f of files) {
    const x = r();
    if (x < 0.04) await writeFile(path.join(root, f), noise(`setup ${f}`, 2000 + Math.floor(r() * 50_000)));
    else if (x < 0.05) await rm(path.join(root, f));
  }
  await mkdir(path.join(root, 'bin', 'nuovi'), { recursive: true });
  for (let i = 0; i < 50; i++)
    await writeFile(path.join(root, 'bin', 'nuovi', `Nuovo${i}.dll`), noise(`new ${i}`, 30_000));
}

// ---- the benchmark ---------------------------------------------------------------------------

async function dataset(dir: string, scale: number): Promise<SyntheticStats> {
  const stamp = path.join(dir, '.bench-scale.json');
  if (existsSync(stamp)) {
    const saved = JSON.parse(await readFile(stamp, 'utf8')) as { scale: number; stats: SyntheticStats };
    if (saved.scale === scale) return saved.stats;
  }
  await rm(dir, { recursive: true, force: true });
  const src = path.join(dir, 'crm');
  console.log(`making the synthetic CRM folder at scale ${scale} in ${src} …`);
  const stats = await makeSyntheticCrm(src, scale);
  await writeFile(stamp, JSON.stringify({ scale, stats }));
  return stats;
}

/** The zip ends with Zip64 records (the locator's signature in its last kilobytes)? */
async function hasZip64(zip: string): Promise<boolean> {
  const { size } = await stat(zip);
  const handle = await open(zip, 'r');
  try {
    const tail = Buffer.alloc(Math.min(size, 65_536 + 98));
    await handle.read(tail, 0, tail.length, size - tail.length);
    return tail.includes(Buffer.from([0x50, 0x4b, 0x06, 0x07]));
  } finally {
    await handle.close();
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: process.argv.slice(2),
    options: {
      scale: { type: 'string', default: '1' },
      runs: { type: 'string', default: '3' },
      only: { type: 'string' },
      levels: { type: 'string' },
      data: { type: 'string' },
      work: { type: 'string' },
    },
    strict: true,
  });
  const scale = Number(values.scale);
  const runs = Number(values.runs);
  if (!Number.isInteger(scale) || scale < 1 || !Number.isInteger(runs) || runs < 1)
    throw new Error('--scale and --runs take whole numbers from 1');
  const only = values.only ? new Set(values.only.split(',')) : null;
  const levels = values.levels ? values.levels.split(',').map(Number) : [];
  const want = (name: string) => !only || only.has(name);

  const missing: string[] = [];
  const tool = (name: string, pkg: string) => {
    const ok = which(name);
    if (!ok) missing.push(`${name} is not installed (apt-get install ${pkg}): its rows are left out`);
    return ok;
  };
  const haveZip = tool('zip', 'zip');
  const haveUnzip = tool('unzip', 'unzip');
  const have7z = tool('7z', 'p7zip-full');
  const haveCp = tool('cp', 'coreutils');
  for (const m of missing) console.log(`! ${m}`);

  const work = values.work ? path.resolve(values.work) : await mkdtemp(path.join(tmpdir(), 'bench-backup-'));
  await mkdir(work, { recursive: true });
  const dataDir = values.data ? path.resolve(values.data) : path.join(work, 'data');
  const stats = await dataset(dataDir, scale);
  const src = path.join(dataDir, 'crm');
  const out = path.join(work, 'out');
  await mkdir(out, { recursive: true });
  const bundle = await bundleOurs(work);
  const rssFile = path.join(work, 'rss.txt');
  const zipOf = (name: string) => path.join(out, `${name}.zip`);

  type Row = { label: string; samples: Sample[]; bytes?: number };
  const rows = new Map<string, Row>();
  const record = (key: string, label: string, sample: Sample, bytes?: number) => {
    const row = rows.get(key) ?? { label, samples: [] };
    row.samples.push(sample);
    if (bytes !== undefined) row.bytes = bytes;
    rows.set(key, row);
  };
  const size = async (file: string) => (await stat(file)).size;

  const backups: { key: string; label: string; go: () => Promise<{ sample: Sample; bytes?: number }> }[] = [];
  if (want('ours'))
    backups.push({
      key: 'ours',
      label: 'ours (archiver, fed ahead)',
      go: async () => {
        await rm(zipOf('ours'), { force: true });
        await rm(`${zipOf('ours')}.manifest.json`, { force: true });
        const sample = runOurs(bundle, ['backup', src, zipOf('ours')]);
        return { sample, bytes: await size(zipOf('ours')) };
      },
    });
  for (const level of levels)
    backups.push({
      key: `ours-l${level}`,
      label: `ours at deflate level ${level}`,
      go: async () => {
        const z = zipOf(`ours-l${level}`);
        await rm(z, { force: true });
        const sample = runOurs(bundle, ['backup', src, z, String(level)]);
        const bytes = await size(z);
        await rm(z, { force: true });
        await rm(`${z}.manifest.json`, { force: true });
        return { sample, bytes };
      },
    });
  const peer = (key: string, label: string, ok: boolean, command: string, args: (z: string) => string[]) => {
    if (!ok || !want(key)) return;
    backups.push({
      key,
      label,
      go: async () => {
        const z = zipOf(key);
        await rm(z, { force: true });
        const sample = runTool(command, args(z), src, rssFile);
        const bytes = await size(z);
        await rm(z, { force: true });
        return { sample, bytes };
      },
    });
  };
  peer('zip6', 'zip -r -6', haveZip, 'zip', (z) => ['-q', '-r', '-6', z, '.']);
  peer('zip1', 'zip -r -1', haveZip, 'zip', (z) => ['-q', '-r', '-1', z, '.']);
  peer('7z', '7z a -tzip -mx1 -mmt2', have7z, '7z', (z) => [
    'a',
    '-tzip',
    '-mx1',
    '-mmt2',
    '-bso0',
    '-bsp0',
    z,
    '.',
  ]);
  if (haveCp && want('cp'))
    backups.push({
      key: 'cp',
      label: 'cp -a (the floor: a copy)',
      go: async () => {
        const dst = path.join(out, 'cp');
        await rm(dst, { recursive: true, force: true });
        const sample = runTool('cp', ['-a', src, dst], out, rssFile);
        await rm(dst, { recursive: true, force: true });
        return { sample };
      },
    });

  console.log(`\n${runs} run(s), in ${work}`);
  let zip64: boolean | null = null;
  let unzipT: string | null = null;
  for (let run = 0; run < runs; run++) {
    // A rotating order: each tool meets the machine in a different state on each run.
    const order = backups
      .map((_, i) => backups[(i + run) % backups.length])
      .filter((b): b is (typeof backups)[number] => b !== undefined);
    for (const b of order) {
      process.stdout.write(`  run ${run + 1}: ${b.label} … `);
      const { sample, bytes } = await b.go();
      record(b.key, b.label, sample, bytes);
      console.log(`${(sample.ms / 1000).toFixed(2)} s`);
    }
    if (!existsSync(zipOf('ours'))) continue;
    // Verify and restore: ours and Info-ZIP's on the same zip, alternated.
    const ours = zipOf('ours');
    const steps: (() => Promise<void>)[] = [
      async () =>
        record(
          'verify-ours',
          'verify: ours (SHA-256, directory, every CRC)',
          runOurs(bundle, ['verify', ours]),
        ),
      async () => {
        if (haveUnzip)
          record('verify-unzip', 'verify: unzip -tq', runTool('unzip', ['-tq', ours], out, rssFile));
      },
      async () => {
        const dst = path.join(out, 'restored');
        await rm(dst, { recursive: true, force: true });
        record(
          'restore-ours',
          'restore: ours, into an empty folder',
          runOurs(bundle, ['restore', ours, dst]),
        );
        await simulateSetup(dst);
        record(
          'restore-setup',
          'restore: ours, after a simulated setup',
          runOurs(bundle, ['restore', ours, dst]),
        );
        await simulateSetup(dst);
        record(
          'restore-rollback',
          'restore: ours as a rollback (hash proved)',
          runOurs(bundle, ['restore-proved', ours, dst, '', await sha256OfZip(ours)]),
        );
        await rm(dst, { recursive: true, force: true });
      },
      async () => {
        if (!haveUnzip) return;
        const dst = path.join(out, 'unzipped');
        await rm(dst, { recursive: true, force: true });
        record(
          'restore-unzip',
          'restore: unzip -q, into an empty folder',
          runTool('unzip', ['-q', ours, '-d', dst], out, rssFile),
        );
        await rm(dst, { recursive: true, force: true });
      },
    ];
    for (let i = 0; i < steps.length; i++) {
      const step = steps[(i + 2 * run) % steps.length];
      if (step) await step();
    }
    console.log(`  run ${run + 1}: verify and restore done`);
    if (run === runs - 1) {
      zip64 = await hasZip64(ours);
      if (haveUnzip) {
        const t = spawnSync('unzip', ['-tq', ours], { encoding: 'utf8' });
        unzipT =
          t.status === 0 ? 'passes' : `FAILS (${t.status}): ${t.stdout.slice(-500)}${t.stderr.slice(-500)}`;
      }
    }
  }

  // ---- the table ----
  const compressedShare = Math.round((100 * stats.compressedBytes) / stats.bytes);
  console.log(
    `\nThe synthetic CRM folder, scale ${scale}: ${stats.files.toLocaleString('en')} files in ${stats.dirs.toLocaleString('en')} folders, ${mb(stats.bytes).toFixed(0)} MB, ${compressedShare} % of the bytes already compressed.`,
  );
  console.log(
    `Medians of ${runs} run(s); ours is timed inside its process (the operation), the tools from outside.\n`,
  );
  const pad = (x: string, n: number) => x.padEnd(n);
  console.log(`${pad('', 50)}${pad('median s', 10)}${pad('runs s', 26)}${pad('zip MB', 10)}peak RSS MB`);
  const med = (key: string) => median(rows.get(key)?.samples.map((x) => x.ms) ?? []);
  for (const [key, row] of rows) {
    const ms = row.samples.map((x) => x.ms);
    const rss = Math.max(...row.samples.map((x) => x.rssMb ?? 0));
    console.log(
      `${pad(row.label, 50)}${pad((med(key) / 1000).toFixed(2), 10)}${pad(ms.map((x) => (x / 1000).toFixed(2)).join(' '), 26)}${pad(row.bytes !== undefined ? mb(row.bytes).toFixed(1) : '', 10)}${rss > 0 ? rss.toFixed(0) : ''}`,
    );
  }
  const ratio = (a: string, b: string) => (rows.has(a) && rows.has(b) ? med(a) / med(b) : NaN);
  const sizeRatio =
    rows.get('ours')?.bytes && rows.get('zip6')?.bytes
      ? (rows.get('ours')?.bytes ?? 0) / (rows.get('zip6')?.bytes ?? 1)
      : NaN;
  const oursRss = Math.max(
    0,
    ...['ours', 'verify-ours', 'restore-ours', 'restore-setup', 'restore-rollback'].flatMap(
      (k) => rows.get(k)?.samples.map((x) => x.rssMb ?? 0) ?? [],
    ),
  );
  const line = (label: string, value: number, target: number, unit = '×') =>
    console.log(
      `  ${pad(label, 36)}${Number.isNaN(value) ? 'n/a' : `${value.toFixed(2)}${unit}`.padEnd(10)} target ≤ ${target}${unit}  ${Number.isNaN(value) ? '' : value <= target ? 'met' : 'NOT met'}`,
    );
  console.log('\nRatios, against the targets:');
  line('backup time, ours / 7-Zip', ratio('ours', '7z'), 0.8);
  line('zip size, ours / zip -6', sizeRatio, 1.1);
  line('verify time, ours / unzip -t', ratio('verify-ours', 'verify-unzip'), 0.7);
  line('restore time, ours / unzip', ratio('restore-ours', 'restore-unzip'), 1.0);
  line('rollback restore, ours / unzip', ratio('restore-rollback', 'restore-unzip'), 1.0);
  const floor = ratio('ours', 'cp');
  console.log(
    `  ${pad('backup time, ours / cp -a', 36)}${Number.isNaN(floor) ? 'n/a' : `${floor.toFixed(2)}×`}      (the floor: a plain copy, no zip)`,
  );
  console.log(
    `  ${pad('peak RSS of ours (any operation)', 36)}${oursRss.toFixed(0)} MB     target ≤ 250 MB at scale 10  ${scale >= 10 ? (oursRss <= 250 ? 'met' : 'NOT met') : '(this is scale ' + scale + ')'}`,
  );
  if (zip64 !== null)
    console.log(
      `  our zip has Zip64 records: ${zip64 ? 'yes' : 'no'}; unzip -t on it: ${unzipT ?? 'unzip not installed'}`,
    );
  for (const m of missing) console.log(`! ${m}`);
  if (!values.work) await rm(work, { recursive: true, force: true });
}

await main();
