import { lstat, readdir, rm } from 'node:fs/promises';
import path from 'node:path';
import { msg } from '../../shared/message';
import type { StepContext } from '../run/context';
import { SERVER_RUNS, journalState, serverJournalFile } from '../run/journal';
import { type StagedKit, stageKit } from './kit-staging';
import type { KitFilesProgress, SignedKit } from './kit-verify';

/** The staged kit's folder name, beside the run's journal. */
const STAGED_KIT = 'kit';

/**
 * Where a run's copy of the kit lives: `<stateDir>/runs/<runId>/kit/`, beside the run's journal
 * in the tool's protected state folder, so that the journal names it and it goes with its run.
 */
export function stagedKitDir(stateDir: string, runId: string): string {
  return path.join(stateDir, SERVER_RUNS, runId, STAGED_KIT);
}

/**
 * The run's staged kit, made or checked again (idempotent): what its setups run from. Its folder
 * is made (or checked, when there) as a protected folder: Administrators and SYSTEM only, under
 * `stateDir` (the caller's System.stateDir). Staged files that no longer matched and were copied
 * again are named in the log.
 */
export async function stageRunKit(
  ctx: Pick<StepContext, 'host' | 'runId' | 'log'>,
  stateDir: string,
  kit: SignedKit,
  onProgress?: (p: KitFilesProgress) => void,
): Promise<StagedKit> {
  const dir = await ctx.host.system.protectedFolder(stagedKitDir(stateDir, ctx.runId));
  const staged = await stageKit(kit, dir, onProgress);
  if (staged.replaced.length > 0) {
    const files = staged.replaced.join(', ');
    ctx.log('warn', msg('kit-staging.recopied', { count: staged.replaced.length, files }));
  }
  return staged;
}

/** Removes a run's staged kit (true when there was one); a link in its place or above it is left alone. */
export async function removeStagedKit(stateDir: string, runId: string): Promise<boolean> {
  const dir = stagedKitDir(stateDir, runId);
  for (const p of [path.dirname(dir), dir]) {
    const st = await lstat(p).catch(() => null);
    if (!st?.isDirectory() || st.isSymbolicLink()) return false;
  }
  await rm(dir, { recursive: true, force: true });
  return true;
}

/**
 * The staged kits of runs that ended (finished or rolled back, by their own journal on the
 * server) are removed; a run whose journal cannot be read keeps its copy.
 */
export async function removeEndedStagedKits(stateDir: string, exceptRunId: string): Promise<string[]> {
  const removed: string[] = [];
  for (const runId of await readdir(path.join(stateDir, SERVER_RUNS)).catch(() => [] as string[])) {
    if (runId === exceptRunId) continue;
    const state = await journalState(serverJournalFile(stateDir, runId)).catch(() => null);
    if (state !== 'finished' && state !== 'rolled-back') continue;
    if (await removeStagedKit(stateDir, runId)) removed.push(runId);
  }
  return removed;
}
