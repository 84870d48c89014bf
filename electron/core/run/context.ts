import type { Message } from '../../shared/message';
import type { Evidence, ReleaseNote, Step, StepStatus } from '../../shared/plan';
import type { VersionName } from '../../shared/version-name';
import type { SignedKit } from '../kit/kit-verify';
import type { CrmConnection, CrmSite, Host } from '../ports';
import type { Profile } from '../profile';
import type { Artifact } from './journal';

export type { Message };

/** What the engine learnt about the server before planning, once, at the start. */
export interface Discovery {
  hostname: string;
  site: CrmSite | null;
  mobileSite: CrmSite | null;
  connections: CrmConnection[];
  installedVersion: string | null;
  /** Why discovery could not see the installation, for the installation check to report. */
  problem: Message | null;
}

export interface ProgressReport {
  percent?: number;
  bytesDone?: number;
  bytesTotal?: number;
  itemsDone?: number;
  itemsTotal?: number;
}

export interface StepContext {
  host: Host;
  kit: SignedKit | null;
  kitProblem: { message: Message; detail?: string } | null;
  kitDir: string;
  profile: Profile;
  discovery: Discovery;
  runId: string;
  runDir: string;
  options: EngineOptions;
  artifacts: readonly Artifact[];
  recordArtifact(a: Artifact): Promise<void>;
  progress(p: ProgressReport): void;
  log(level: 'info' | 'warn' | 'error', message: Message, detail?: string): void;
  steps: readonly Step[];
  kitVersion: VersionName | null;
  releaseNotes: readonly ReleaseNote[];
  /** The report step only: writes the report onto the kit. */
  writeReport(): Promise<StepOutcome>;
}

export interface EngineOptions {
  backupDir?: string;
  setupTimeoutMs: number;
  poolStopTimeoutMs: number;
  /** Executables on the stick that are not kit files (the upgrade manager itself). */
  allowedKitExtras: readonly string[];
}

export interface StepOutcome {
  status: Extract<StepStatus, 'passed' | 'warning' | 'failed' | 'waiting'>;
  /** Whether the admin may now skip (force) it with a reason: a finding can open or close that. */
  skippable?: boolean;
  finding?: Message;
  remedy?: Message;
  evidence?: Evidence;
}

export interface StepDefinition {
  id: string;
  phase: Step['phase'];
  kind: Step['kind'];
  severity?: 'blocking' | 'warning';
  optional?: boolean;
  skippable: boolean;
  title: Message;
  instructions?: Message;
  /** Skipping this step skips these too (a verify whose backup was skipped), with the same reason. */
  skipAlso?: string[];
  run(ctx: StepContext): Promise<StepOutcome>;
  /** Manual steps: the admin says it is done; the engine checks what it can. */
  confirm?(ctx: StepContext): Promise<StepOutcome>;
}
