/** Test support only (never imported by the app): a step context over a practice server. */
import path from 'node:path';
import { parseVersionName } from '../shared/version-name';
import { discover } from '../core/discovery';
import { farmContext } from '../core/farm/farm-session';
import { loadProfile } from '../core/profile';
import { sourceResourcesDir } from '../core/resources';
import type { ProgressReport, StepContext } from '../core/run/context';
import { type Artifact, artifactKey } from '../core/run/journal';
import type { PracticeFixture } from './practice-fixture';

/** A step context over the practice server, its artifacts kept in memory (a test may plant its own). */
export async function practiceStepContext(
  f: PracticeFixture,
  options: { backupDir: string; runId?: string; progress?: (p: ProgressReport) => void },
): Promise<StepContext & { artifacts: Artifact[] }> {
  const profile = await loadProfile(path.join(sourceResourcesDir(), 'profiles', 'crm.json'));
  const artifacts: Artifact[] = [];
  const discovery = await discover(f.host, profile);
  return {
    host: f.host,
    kit: null,
    kitProblem: null,
    kitDir: f.kitDir,
    profile,
    discovery,
    farm: farmContext(f.kitDir, '7.8.5.13100517_x64', discovery.hostname),
    runId: options.runId ?? 'run-1',
    runDir: path.join(f.root, 'run'),
    options: {
      backupDir: options.backupDir,
      setupTimeoutMs: 20_000,
      poolStopTimeoutMs: 5_000,
      allowedKitExtras: [],
    },
    artifacts,
    recordArtifact: (a: Artifact) => {
      const i = artifacts.findIndex((x) => artifactKey(x) === artifactKey(a));
      if (i >= 0) artifacts[i] = a;
      else artifacts.push(a);
      return Promise.resolve();
    },
    progress: options.progress ?? (() => undefined),
    log: () => undefined,
    steps: [],
    kitVersion: parseVersionName('7.8.5.13100517_x64'),
    startedFrom: null,
    releaseNotes: [],
    writeReport: () => Promise.reject(new Error('no report in a step test')),
  };
}
