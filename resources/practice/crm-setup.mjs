#!/usr/bin/env node
// The practice kit's setup program: it stands for the vendor's setup.exe on a practice server.
// Like the real one it refuses to run while IIS holds the files, replaces the application's
// files, removes the ones the new version drops, writes the new version, and reports by exit code.
// Usage: node crm-setup.mjs --payload <folder next to this script> --target <install path>
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// POSIX keeps only 8 bits of an exit code (1603 would read as 67), so the Windows code is
// also printed; the practice host reads it from this line.
function exit(code) {
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
// Exactly these two options, as the practice host passes them: nothing else a kit adds.
if (
  args.length !== 4 ||
  args[0] !== '--payload' ||
  args[2] !== '--target' ||
  !payloadName ||
  !target ||
  !/^[a-z0-9][a-z0-9-]*$/.test(payloadName)
) {
  console.error('usage: crm-setup --payload NAME --target DIR');
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
if (!insideServer(target)) {
  console.error(`${target} is outside the practice server ${server}: this setup only writes inside it`);
  exit(87);
}

console.log(`${spec.product} setup ${spec.version}`);
console.log(`Install path: ${target}`);
if (!existsSync(path.join(target, 'web.config'))) {
  console.error(`No installation found at ${target}`);
  exit(1603);
}

// IIS holds the files while the site's pool runs.
const iis = JSON.parse(readFileSync(path.join(server, 'iis', 'applicationHost.json'), 'utf8'));
const site = iis.sites.find(
  (s) => path.resolve(server, ...s.physicalPath.split(/[\\/]/)) === path.resolve(target),
);
if (site && iis.pools[site.pool]?.state !== 'stopped') {
  console.error(
    `The files are in use by w3wp.exe (application pool ${site.pool} is ${iis.pools[site.pool]?.state}).`,
  );
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

const fail = spec.role === 'main' ? behaviour.failWith : behaviour.mobileFailWith;
const hang = spec.role === 'main' && behaviour.hang === true;
const sleep = (ms) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

// Halfway, a failing setup exits with its code and a hanging one stops copying and waits forever.
for (const [i, rel] of files.entries()) {
  if ((fail || hang) && i === Math.floor(files.length / 2)) {
    if (hang) {
      console.log('Waiting for a file lock to clear...');
      setInterval(() => undefined, 60_000);
      break;
    }
    console.error(`Error ${fail}: a fatal error occurred during installation.`);
    exit(fail);
  }
  const to = path.join(target, ...rel.split('/'));
  mkdirSync(path.dirname(to), { recursive: true });
  copyFileSync(path.join(payload, 'files', ...rel.split('/')), to);
  console.log(`PROGRESS ${i + 1}/${files.length} ${rel}`);
  sleep(spec.delayMs ?? 0);
}
if (hang) {
  // keeps running until killed
} else {
  for (const rel of spec.remove ?? []) {
    rmSync(path.join(target, ...rel.split('/')), { force: true });
    console.log(`REMOVED ${rel}`);
  }
  // Other folders this setup changes ("touches" in the kit's manifest), also inside the practice server.
  for (const [rel, from] of Object.entries(spec.touches ?? {})) {
    const folder = path.resolve(target, ...rel.split('/'));
    if (!insideServer(folder) || !/^[a-z0-9-]+$/.test(from)) exit(87);
    for (const name of readdirSync(path.join(payload, from)).sort()) {
      mkdirSync(folder, { recursive: true });
      copyFileSync(path.join(payload, from, name), path.join(folder, name));
      console.log(`TOUCHED ${rel}/${name}`);
    }
  }
  console.log(`${spec.product} ${spec.version} installed.`);
  exit(0);
}
