import type { Message } from '../../shared/message';
import type { Evidence, ReleaseNote, SessionStep, Step, StepStatus } from '../../shared/plan';
import type { StepId } from '../../shared/step-id';
import type { VersionName } from '../../shared/version-name';
import type { SignedKit } from '../kit/kit-verify';
import type { CrmConnection, CrmSite, Host } from '../ports';
import type { Profile } from '../profile';
import type { FarmLedger } from '../farm/ledger';
import type { FarmMember } from '../farm/members';
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

/** The farm this server belongs to (issue 15): N = 1 is a farm too. */
export interface FarmContext {
  /** The servers known when the run's plan was made, this one first. */
  readonly known: readonly FarmMember[];
  /** This server's installation (installationOf): the ledger's entries of another one are not this farm's. */
  readonly installation: string;
  /** The kit's ledger as it is now: another server (another Remote Desktop session) may have written since. */
  ledger(): Promise<FarmLedger>;
  /** The admin's list of the farm's servers, written onto the kit. */
  confirm(servers: readonly string[]): Promise<void>;
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
  farm: FarmContext;
  runId: string;
  runDir: string;
  options: EngineOptions;
  artifacts: readonly Artifact[];
  recordArtifact(a: Artifact): Promise<void>;
  progress(p: ProgressReport): void;
  log(level: 'info' | 'warn' | 'error', message: Message, detail?: string): void;
  steps: readonly Step[];
  kitVersion: VersionName | null;
  /** The installed version when this run began (its journal's header): what a resumed run started from. */
  startedFrom: string | null;
  releaseNotes: readonly ReleaseNote[];
  /** The report step only: writes the report onto the kit. */
  writeReport(): Promise<StepOutcome>;
}

export interface EngineOptions {
  backupDir?: string;
  setupTimeoutMs: number;
  poolStopTimeoutMs: number;
  /** Files on the stick that are not kit files (the upgrade manager itself). */
  allowedKitExtras: readonly string[];
  /** How often the users check runs again while the admin waits; the engine's default when absent. */
  usersRecheckMs?: number;
}

export interface StepOutcome {
  status: Extract<StepStatus, 'passed' | 'warning' | 'failed' | 'waiting'>;
  /** Whether the admin may now skip (force) it with a reason: a finding can open or close that. */
  skippable?: boolean;
  finding?: Message;
  remedy?: Message;
  evidence?: Evidence;
}

/** What an undo did: 'warning' when there was nothing it could put back (a backup skipped with a reason). */
export interface UndoOutcome {
  status: 'done' | 'warning' | 'failed';
  finding: Message;
  evidence?: Evidence;
}

/**
 * One step of the plan, with everything about it: what it does, how it is put back, what it
 * produces and what the admin may do with it.
 */
export interface StepDefinition {
  id: StepId;
  phase: Step['phase'];
  kind: Step['kind'];
  severity?: 'blocking' | 'warning';
  /**
   * A 'waiting' outcome means "waiting for the farm" (other servers, sessions, the databases):
   * the admin's confirm runs the step again.
   */
  waitsOnFarm?: boolean;
  /** Optional (procedure steps 7 and 8): skipping it needs no reason for the gate and no rollback. */
  optional?: boolean;
  /** Whether the admin may skip (force) it with a reason once it failed. */
  skippable: boolean;
  /** Whether it may be skipped with a reason before it runs (a database with its own nightly backup). */
  skipAhead?: boolean;
  /** Whether a failed run may be run again; true unless said otherwise. */
  retryable?: boolean;
  title: Message;
  instructions?: Message;
  /** The connection a per-connection step is about. */
  connection?: string;
  /** The artifact (a backup) this step produces, by its key: no later step runs until it is verified. */
  produces?: string;
  /** Skipping this step skips these too (a verify whose backup was skipped), with the same reason. */
  skipAlso?: StepId[];
  /** A failed check the engine may re-run every few seconds while the admin waits (users logging off). */
  waitForUsers?: boolean;
  /**
   * Checks only: whether a resumed run asks it again before any action (true unless said
   * otherwise). False where the question belonged to the start alone.
   */
  recheckOnResume?: boolean;
  /** What the practice server lets the admin simulate on this step. */
  practice?: 'log-off-users' | 'aggiorna-database';
  shows?: SessionStep['shows'];
  /**
   * Why the run must stop before this step until the server has restarted (a setup asked for it),
   * or null. The run then pauses resumable: the step stays pending with the reason as its finding,
   * nothing else runs and no rollback starts; the next start of the upgrade manager asks again.
   */
  waitsFor?(ctx: StepContext): Promise<Message | null>;
  run(ctx: StepContext): Promise<StepOutcome>;
  /** Manual steps: the admin says it is done; the engine checks what it can. */
  confirm?(ctx: StepContext): Promise<StepOutcome>;
  /**
   * Every step that changes the server says how to put it back as it was before the step. It may
   * run after a crash, after a partial run of the step, or a second time: it must be idempotent.
   */
  undo?(ctx: StepContext): Promise<UndoOutcome>;
}
