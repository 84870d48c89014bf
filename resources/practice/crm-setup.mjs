#!/usr/bin/env node
// The practice kit's setup program: it stands for the vendor's setup.exe on a practice server.
// Like the real one it refuses to run while IIS holds the files, replaces the application's
// files, removes the ones the new version drops, writes the new version, and reports by exit code.
// A restart code (3010, 1641) installs everything but leaves the files in use to be replaced at the
// restart, as Windows does (PendingFileRenameOperations); 1618 refuses at once, as an MSI does
// while another installation runs.
// Usage: node crm-setup.mjs --payload <folder next to this script> --target <install path> [--log <file>]
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The setup's own log, when it is given one (--log): what it prints goes there too.
let logFile = null;
const toLog = (line) => {
  if (logFile) appendFileSync(logFile, `${new Date().toISOString()} ${line}\n`);
};
const say = (line) => {
  console.log(line);
  toLog(line);
};
const warn = (line) => {
  console.error(line);
  toLog(line);
};

// POSIX keeps only 8 bits of an exit code (1603 would read as 67), so the Windows code is
// also printed; the practice host reads it from this line.
function exit(code) {
  toLog(`exit code ${code}`);
  console.log(`WINDOWS-EXIT-CODE ${code}`);
  process.exit(code);
}

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const arg = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const payloadName = arg('--payload');
const target = arg('--target');
// Exactly these options, as the practice host passes them: nothing else a kit adds.
if (
  (args.length !== 4 && !(args.length === 6 && args[4] === '--log' && args[5])) ||
  args[0] !== '--payload' ||
  args[2] !== '--target' ||
  !payloadName ||
  !target ||
  !/^[a-z0-9][a-z0-9-]*$/.test(payloadName)
) {
  console.error('usage: crm-setup --payload NAME --target DIR [--log FILE]');
  exit(87); // ERROR_INVALID_PARAMETER
}
const payload = path.join(here, payloadName);
const spec = JSON.parse(readFileSync(path.join(payload, 'payload.json'), 'utf8'));
const behaviour = existsSync(path.join(here, 'practice-setup.json'))
  ? JSON.parse(readFileSync(path.join(here, 'practice-setup.json'), 'utf8'))
  : {};
const server = process.env.CRM_PRACTICE_SERVER;
if (!server) {
  console.error('CRM_PRACTICE_SERVER is not set: this setup only runs on a practice server');
  exit(87);
}
// A practice setup writes inside its practice server only, never into a real folder.
const insideServer = (dir) => {
  const rel = path.relative(path.resolve(server), path.resolve(dir));
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
};
if (!insideServer(target) || (args[5] && !insideServer(args[5]))) {
  console.error(`${target} is outside the practice server ${server}: this setup only writes inside it`);
  exit(87);
}
logFile = args[5] ?? null;
const serverFile = path.join(server, 'practice-server.json');
const machine = JSON.parse(readFileSync(serverFile, 'utf8'));
const fail = spec.role === 'main' ? behaviour.failWith : behaviour.mobileFailWith;

say(`${spec.product} setup ${spec.version}`);
say(`Install path: ${target}`);
// Windows Installer refuses a second installation while one runs, before touching anything.
if (machine.installerBusy === true || fail === 1618) {
  warn('Another installation is already in progress (Windows Installer: _MSIExecute).');
  exit(1618);
}
if (!existsSync(path.join(target, 'web.config'))) {
  warn(`No installation found at ${target}`);
  exit(1603);
}

// IIS holds the files while the site's pool runs.
const iis = JSON.parse(readFileSync(path.join(server, 'iis', 'applicationHost.json'), 'utf8'));
const site = iis.sites.find(
  (s) => path.resolve(server, ...s.physicalPath.split(/[\\/]/)) === path.resolve(target),
);
if (site && iis.pools[site.pool]?.state !== 'stopped') {
  warn(`The files are in use by w3wp.exe (application pool ${site.pool} is ${iis.pools[site.pool]?.state}).`);
  exit(32); // ERROR_SHARING_VIOLATION
}

const files = [];
(function walk(rel) {
  for (const name of readdirSync(path.join(payload, 'files', rel)).sort()) {
    const child = rel ? `${rel}/${name}` : name;
    if (statSync(path.join(payload, 'files', child)).isDirectory()) walk(child);
    else files.push(child);
  }
})('');

// 3010 and 1641 are successes that need the server's restart: they do not stop halfway.
const restart = fail === 3010 || fail === 1641;
const failHalfway = fail && !restart;
const hang = spec.role === 'main' && behaviour.hang === true;
const atRestart = new Set(restart ? (spec.replacedAtRestart ?? []) : []);
const renames = [];
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// Halfway, a failing setup exits with its code and a hanging one stops copying and waits forever.
for (const [i, rel] of files.entries()) {
  if ((failHalfway || hang) && i === Math.floor(files.length / 2)) {
    if (hang) {
      say('Waiting for a file lock to clear...');
      setInterval(() => undefined, 60_000);
      break;
    }
    warn(`Error ${fail}: a fatal error occurred during installation.`);
    exit(fail);
  }
  const to = path.join(target, ...rel.split('/'));
  const from = path.join(payload, 'files', ...rel.split('/'));
  if (atRestart.has(rel)) {
    // In use: the new file waits in Windows' temp folder, to be moved in at the restart.
    const pendingDir = path.join(server, 'C', 'Windows', 'Temp', 'PendingFileRenames');
    mkdirSync(pendingDir, { recursive: true });
    const staged = path.join(pendingDir, `${Date.now()}-${renames.length}-${path.basename(rel)}`);
    copyFileSync(from, staged);
    const serverPath = (p) => path.relative(server, p).split(path.sep).join('/');
    renames.push({ from: serverPath(staged), to: serverPath(to) });
    say(`PROGRESS ${i + 1}/${files.length} ${rel} (replaced at the restart)`);
    continue;
  }
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(from, to);
  say(`PROGRESS ${i + 1}/${files.length} ${rel}`);
  sleep(spec.delayMs ?? 0);
}
if (hang) {
  // keeps running until killed
} else {
  for (const rel of spec.remove ?? []) {
    rmSync(path.join(target, ...rel.split('/')), { force: true });
    say(`REMOVED ${rel}`);
  }
  // Other folders this setup changes ("touches" in the kit's manifest), also inside the practice server.
  for (const [rel, from] of Object.entries(spec.touches ?? {})) {
    const folder = path.resolve(target, ...rel.split('/'));
    if (!insideServer(folder) || !/^[a-z0-9-]+$/.test(from)) exit(87);
    for (const name of readdirSync(path.join(payload, from)).sort()) {
      mkdirSync(folder, { recursive: true });
      copyFileSync(path.join(payload, from, name), path.join(folder, name));
      say(`TOUCHED ${rel}/${name}`);
    }
  }
  say(`${spec.product} ${spec.version} installed.`);
  // Like many vendor setups, an iisreset at the end: WAS starts again, and with it every pool
  // whose autoStart is true (a pool merely stopped comes back while the upgrade goes on).
  const iisFile = path.join(server, 'iis', 'applicationHost.json');
  const restarted = JSON.parse(readFileSync(iisFile, 'utf8'));
  for (const pool of Object.values(restarted.pools)) {
    pool.state = pool.autoStart === false ? 'stopped' : 'started';
    delete pool.stopRequestedAt;
  }
  writeFileSync(`${iisFile}.iisreset.tmp`, `${JSON.stringify(restarted, null, 1)}\n`);
  renameSync(`${iisFile}.iisreset.tmp`, iisFile);
  console.log('iisreset: Internet services successfully restarted');
  if (restart) {
    // What Windows keeps for the restart, as the practice server keeps it: written whole or not at all.
    const now = JSON.parse(readFileSync(serverFile, 'utf8'));
    const markers = new Set([...(now.pendingReboot ?? []), 'PendingFileRenameOperations']);
    const pendingRenames = [...(now.pendingRenames ?? []), ...renames];
    writeFileSync(
      `${serverFile}.setup.tmp`,
      `${JSON.stringify({ ...now, pendingReboot: [...markers], pendingRenames }, null, 1)}\n`,
    );
    renameSync(`${serverFile}.setup.tmp`, serverFile);
    say(`${renames.length} files are replaced when the server restarts.`);
    if (fail === 1641) say('The server is restarting to complete the installation.');
    exit(fail);
  }
  exit(0);
}
