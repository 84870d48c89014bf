// npm run bench:kit — verifying a kit with a 1 GiB setup, against sha256sum of the same files; and
// staging it on the server (copied and hashed as written, as a run does after the signature),
// against `cp` then `sha256sum` of the copy. Measured in the same run (medians of 3, warm cache).
import { spawnSync } from 'node:child_process';
import { createPublicKey } from 'node:crypto';
import { mkdir, mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKit } from '../../electron/core/kit/kit-create';
import { generateSigningKey, keyIdOf } from '../../electron/core/kit/kit-keys';
import { stageKit } from '../../electron/core/kit/kit-staging';
import { readSignedKit, verifyKitFiles } from '../../electron/core/kit/kit-verify';
import { pseudoRandomBytes } from '../../electron/host/practice/content';
import { median } from './median';

const SIZE_MIB = Number(process.env.BENCH_KIT_MIB ?? 1024);
const RUNS = 3;

async function main() {
  const dir = await mkdtemp(path.join(tmpdir(), 'bench-kit-'));
  try {
    const setup = path.join(dir, 'CrmSetup.exe');
    const block = pseudoRandomBytes('bench', 1024 * 1024);
    const handle = await open(setup, 'w');
    for (let i = 0; i < SIZE_MIB; i++) {
      block[0] = i & 0xff; // no two blocks alike
      await handle.write(block);
    }
    await handle.close();
    const key = generateSigningKey();
    const kitDir = path.join(dir, 'kit');
    await createKit({
      outDir: kitDir,
      product: { id: 'crm', name: 'CRM' },
      version: '7.8.5.13100517_x64',
      minimumInstalledVersion: '7.0',
      contents: [{ from: setup, to: 'setup/CrmSetup.exe' }],
      setups: [
        { role: 'main', path: 'setup/CrmSetup.exe', args: [], successExitCodes: [0], rebootExitCodes: [] },
      ],
      releaseNotes: [],
      privateKeyPem: key.privatePem,
    });
    await rm(setup);
    const publicKey = createPublicKey(key.publicPem);
    const trusted = [{ id: keyIdOf(publicKey), kind: 'vendor' as const, key: publicKey }];
    const files = [path.join(kitDir, 'setup', 'CrmSetup.exe')];

    const ours: number[] = [];
    const peer: number[] = [];
    // Alternate the two so that neither always runs on a colder or busier machine.
    for (let i = 0; i < RUNS; i++) {
      let t = performance.now();
      const kit = await readSignedKit(kitDir, trusted);
      await verifyKitFiles(kit, () => undefined);
      ours.push(performance.now() - t);
      t = performance.now();
      const r = spawnSync('sha256sum', files, { stdio: ['ignore', 'ignore', 'inherit'] });
      if (r.status !== 0) throw new Error('sha256sum failed');
      peer.push(performance.now() - t);
    }
    const staged: number[] = [];
    const copied: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const stage = path.join(dir, `stage-${i}`);
      await mkdir(stage);
      let t = performance.now();
      await stageKit(await readSignedKit(kitDir, trusted), stage);
      staged.push(performance.now() - t);
      const copy = path.join(dir, `copy-${i}`);
      t = performance.now();
      const cp = spawnSync('cp', ['-r', kitDir, copy], { stdio: ['ignore', 'ignore', 'inherit'] });
      const sum = spawnSync('sha256sum', [path.join(copy, 'setup', 'CrmSetup.exe')], {
        stdio: ['ignore', 'ignore', 'inherit'],
      });
      if (cp.status !== 0 || sum.status !== 0) throw new Error('cp or sha256sum failed');
      copied.push(performance.now() - t);
      await rm(stage, { recursive: true, force: true });
      await rm(copy, { recursive: true, force: true });
    }
    const o = median(ours);
    const p = median(peer);
    console.log(`kit verify, ${SIZE_MIB} MiB setup, median of ${RUNS}`);
    console.log(
      `  crm-upgrade verify  ${(o / 1000).toFixed(2)} s   runs: ${ours.map((x) => (x / 1000).toFixed(2)).join(', ')}`,
    );
    console.log(
      `  sha256sum           ${(p / 1000).toFixed(2)} s   runs: ${peer.map((x) => (x / 1000).toFixed(2)).join(', ')}`,
    );
    console.log(`  ratio ours/sha256sum ${(o / p).toFixed(2)}x (target <= 1.25x)`);
    const so = median(staged);
    const sp = median(copied);
    const secs = (xs: number[]) => xs.map((x) => (x / 1000).toFixed(2)).join(', ');
    console.log(`kit staging, same kit, median of ${RUNS}`);
    console.log(`  crm-upgrade stage   ${(so / 1000).toFixed(2)} s   runs: ${secs(staged)}`);
    console.log(`  cp + sha256sum      ${(sp / 1000).toFixed(2)} s   runs: ${secs(copied)}`);
    console.log(`  ratio ours/(cp + sha256sum) ${(so / sp).toFixed(2)}x`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
