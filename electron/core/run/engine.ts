import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Ack } from '../../shared/contract';
import { remedyOf } from '../../shared/i18n';
import { type Message, UpgradeError, msg } from '../../shared/message';
import type {
  LogEntry,
  Progress,
  ReleaseNote,
  RunState,
  Session,
  SessionStep,
  Step,
  StepAction,
} from '../../shared/plan';
import type { StepId } from '../../shared/step-id';
import { reasonProblem } from '../../shared/typed-text';
import type { SignedKit } from '../kit/kit-verify';
import { KIT_REPORTS } from '../kit/kit-manifest';
import type { Host } from '../ports';
import type { Profile } from '../profile';
import { lockoutSince } from '../steps/lockout';
import { removeStagedKit } from '../kit/run-kit';
import { removeRunLeftovers } from '../steps/backup';
import { readInstalledVersion } from '../steps/read-install';
import { type RunFacts, runActions, stepActions } from './affordances';
import type {
  Discovery,
  EngineOptions,
  FarmContext,
  ProgressReport,
  StepContext,
  StepDefinition,
  StepOutcome,
} from './context';
import { type LedgerEntry, gateFacts, writeLedgerEntry } from '../farm/ledger';
import { farmStatusHere } from '../farm/farm-session';
import type { FarmStatus } from '../../shared/farm';
import { writeFarmReport } from '../report/farm-report';
import { ledgerEntryOf } from '../farm/ledger-entry';
import { gateProblem } from './gate-policy';
import type { Journal, Replayed } from './journal';
import { type ReportOutcome, writeRunReport } from './report-writer';
import { ProgressThrottle } from './progress-throttle';
import { freshSteps, hostFolderName, newRunId } from './run-ids';
import { acquireLock, lockHeldError, releaseLock } from './run-lock';
import { DONE, RunModel } from './run-model';
import { runUndos, undosLeft } from './undo-runner';
import { UsersWait, type UsersWaitEngine } from './users-wait';

/** How often the users check runs again while the admin waits for people to log off. */
export const USERS_RECHECK_MS = 5_000;

export interface EngineEvents {
  session(s: Session): void;
  progress(p: Progress): void;
  log(e: LogEntry): void;
}

export interface EngineSetup {
  host: Host;
  kit: SignedKit | null;
  kitProblem: { message: Message; detail?: string } | null;
  kitDir: string;
  kitVersionText: string;
  profile: Profile;
  discovery: Discovery;
  /** The farm this server belongs to (issue 15): its ledger on the kit, the servers known. */
  farm: FarmContext;
  options: EngineOptions;
  definitions: readonly StepDefinition[];
  releaseNotes?: readonly ReleaseNote[];
  events: EngineEvents;
  /** Nothing is journaled: a look at the server that changes nothing (the CLI's `check`). */
  readOnly?: boolean;
  /** A run found unfinished in the kit's journal, to continue. */
  restored?: { replayed: Replayed; journal: Journal; runDir: string };
  /** The restored run had finished: it is reopened only to roll back with the farm (issue 15). */
  reopenedForRollback?: boolean;
}

const ok: Ack = { ok: true };
const refuse = (error: Message): Ack => ({ ok: false, error });

/** Why an action the admin asked for is not possible on this step now. */
const NOT_NOW: Record<StepAction, Message> = {
  confirm: msg('engine.confirm-not-waiting'),
  retry: msg('engine.retry-not-failed'),
  skip: msg('engine.skip-not-allowed'),
  'wait-for-users': msg('engine.wait-not-available'),
  'stop-waiting': msg('engine.not-waiting'),
  'practice-log-off-users': msg('practice.only'),
  'practice-aggiorna-database': msg('practice.only'),
  'provide-sql-credentials': msg('sql.credentials-not-needed'),
};

/**
 * Runs the plan: checks together, then actions one at a time behind their gates; a failure
 * pauses the run for the admin to retry, skip where allowed, or roll back, which runs each
 * changed step's undo, newest first.
 */
export class UpgradeEngine {
  private readonly defs: Map<string, StepDefinition>;
  private readonly model: RunModel;
  private readonly runId: string;
  private readonly runDir: string;
  private readonly resumed: boolean;
  private report: Session['report'];
  private working: Promise<void> | null = null;
  private readonly usersWait: UsersWait;
  private readonly changeListeners = new Set<() => void>();
  /** The admin asked to stop (Ctrl-C, the window closed): the run pauses at the next safe point. */
  private stopRequested = false;
  /** The run stopped for the server's restart: in this process it stays stopped (a new one asks again). */
  private awaitingRestart = false;
  private readonly progressThrottle = new ProgressThrottle();
  /** The ledger entry's writes, one after the other; the latest state wins. */
  private ledgerWrite: Promise<void> = Promise.resolve();
  private ledgerDirty = false;
  /** What of this server's entry other servers' gates read, as last written. */
  private ledgerFacts = '';
  /** The version the run started from (the report's "from"), and what is installed now (the header's). */
  private readonly fromVersion: string | null;
  private installedNow: string | null;

  constructor(private readonly setup: EngineSetup) {
    this.defs = new Map(setup.definitions.map((d) => [d.id, d]));
    this.usersWait = new UsersWait(this.usersWaitEngine(), setup.options.usersRecheckMs ?? USERS_RECHECK_MS);
    const r = setup.restored;
    this.runId = r?.replayed.run.runId ?? newRunId();
    this.runDir =
      r?.runDir ?? path.join(setup.kitDir, KIT_REPORTS, hostFolderName(setup.discovery.hostname), this.runId);
    this.resumed = r !== undefined;
    this.fromVersion = r ? r.replayed.run.installedVersion : setup.discovery.installedVersion;
    this.installedNow = setup.discovery.installedVersion;
    const d = setup.discovery;
    this.model = new RunModel(
      {
        runDir: this.runDir,
        readOnly: setup.readOnly ?? false,
        header: () => ({
          runId: this.runId,
          hostname: d.hostname,
          mode: setup.host.system.mode,
          kitVersion: setup.kitVersionText,
          installedVersion: d.installedVersion,
          installPath: d.site?.physicalPath ?? null,
        }),
        onChange: () => {
          this.emitSession();
          this.scheduleLedger();
        },
        stateDir: () => setup.host.system.stateDir(),
        beforeFirstRecord: () => this.takeLock(),
      },
      freshSteps(setup.definitions),
      r ? { replayed: r.replayed, journal: r.journal } : undefined,
    );
  }

  /** After a crash: a step caught mid-way is failed as interrupted, and the run waits for the admin. */
  async recoverInterrupted(): Promise<void> {
    if (!this.resumed) return;
    // The lock first: nothing of a run another live process holds is touched.
    if (!this.setup.readOnly) await this.takeLock();
    for (const s of this.model.steps.filter((x) => x.status === 'running')) {
      await this.model.update(s.id, {
        status: 'failed',
        finding: msg('engine.interrupted.finding'),
        remedy: msg('engine.interrupted.remedy'),
      });
    }
    if (this.model.state === 'running' || this.model.state === 'rolling-back')
      await this.model.setState('paused');
    this.log('warn', msg('engine.resumed', { runId: this.runId }));
    if (!this.setup.readOnly && this.model.undos.size === 0) await this.recheck();
  }

  /**
   * A resumed run asks the server again before any action: the kit, the rights, the installation,
   * the versions and the databases may have changed while no one was watching. A check that now
   * fails stops the run there (retry it, or roll back); a check skipped with a reason stays so.
   */
  private async recheck(): Promise<void> {
    const state = this.model.state;
    if (state === 'finished' || state === 'rolled-back') return;
    const again = this.model.steps.filter((s) => {
      const def = this.defs.get(s.id);
      const asked = s.status === 'passed' || s.status === 'warning' || s.status === 'failed';
      return s.phase === 'checks' && def?.kind === 'check' && def.recheckOnResume !== false && asked;
    });
    if (again.length === 0) return;
    this.log('info', msg('engine.resume-recheck', { steps: again.map((s) => s.id).join(', ') }));
    await this.model.setState('running');
    await Promise.all(again.map((s) => this.runStep(s.id)));
    const failed = this.model.steps.some((s) => s.phase === 'checks' && s.status === 'failed');
    await this.model.setState(failed && state !== 'ready' ? 'paused' : state);
  }

  get runFolder(): string {
    return this.runDir;
  }

  /** Whether anything of this run is on the kit yet: before that, the plan may still be rebuilt. */
  get begun(): boolean {
    return this.model.begun;
  }

  private facts(): RunFacts {
    return {
      state: this.model.state,
      mode: this.setup.host.system.mode,
      waitingForUsers: this.usersWait.state?.stepId ?? null,
      rollbackBegun: this.model.undos.size > 0,
      undosLeft: undosLeft(this.model.steps, this.defs, this.model.undos).length,
      awaitingRestart: this.awaitingRestart,
      reopenedForRollback: this.setup.reopenedForRollback ?? false,
    };
  }

  private sessionStep(s: Step, facts: RunFacts): SessionStep {
    const def = this.defs.get(s.id);
    return {
      ...s,
      actions: this.working ? [] : stepActions(s, def, facts),
      ...(def?.connection !== undefined ? { connection: def.connection } : {}),
      ...(def?.shows ? { shows: def.shows } : {}),
    };
  }

  snapshot(): Session {
    const d = this.setup.discovery;
    const facts = this.facts();
    const waiting = this.usersWait.state;
    const lockout = lockoutSince(this.model.steps, (id) => {
      const undo = this.model.undos.get(id)?.status;
      return undo === 'done' || undo === 'warning';
    });
    return {
      mode: this.setup.host.system.mode,
      server: {
        hostname: d.hostname,
        installedVersion: this.installedNow,
        installPath: d.site?.physicalPath ?? null,
      },
      kit: { versionName: this.setup.kitVersionText, practiceKey: this.setup.kit?.key.kind === 'practice' },
      run: {
        id: this.runId,
        state: this.model.state,
        resumed: this.resumed,
        ...(this.model.startedAt ? { startedAt: this.model.startedAt } : {}),
        actions: this.working ? [] : runActions(this.model.steps, facts),
        ...(waiting ? { waitingForUsers: { ...waiting } } : {}),
        usersRecheckMs: this.usersWait.everyMs,
        rollbackBegun: facts.rollbackBegun,
        stopping: this.stopRequested,
        ...(lockout ? { lockout: { since: lockout } } : {}),
      },
      steps: this.model.steps.map((s) => this.sessionStep(s, facts)),
      releaseNotes: [...(this.setup.releaseNotes ?? [])],
      ...(this.report ? { report: this.report } : {}),
    };
  }

  /** Resolves when the engine has nothing under way (for the CLI and the tests). */
  async idle(): Promise<void> {
    while (this.working) await this.working;
    await this.ledgerWrite;
  }

  /** This server's entry in the farm's ledger, as its run is now. */
  ledgerEntry(): LedgerEntry {
    return ledgerEntryOf({
      hostname: this.setup.discovery.hostname,
      runId: this.runId,
      kitVersion: this.setup.kitVersionText,
      installation: this.setup.farm.installation,
      fromVersion: this.fromVersion,
      codeVersion: this.installedNow,
      state: this.model.state,
      steps: this.model.steps,
      artifacts: this.model.artifacts,
      undos: this.model.undos,
      connections: this.setup.discovery.connections,
    });
  }

  /**
   * This server's entry in the farm's ledger on the kit, after every journaled change. A kit that
   * cannot be written is logged: the ledger guides other servers, it decides nothing here.
   */
  private scheduleLedger(): void {
    if (this.setup.readOnly || this.ledgerDirty) return;
    this.ledgerDirty = true;
    this.ledgerWrite = this.ledgerWrite.then(async () => {
      this.ledgerDirty = false;
      const entry = this.ledgerEntry();
      const facts = gateFacts(entry);
      const durable = facts !== this.ledgerFacts;
      this.ledgerFacts = facts;
      await writeLedgerEntry(this.setup.kitDir, entry, durable).catch((err: unknown) =>
        this.log('warn', msg('farm.ledger.write-failed', { kit: this.setup.kitDir }), String(err)),
      );
    });
  }

  /** Resolves when nothing is under way and the engine is not waiting for users either. */
  async settled(): Promise<void> {
    for (;;) {
      await this.idle();
      if (!this.usersWait.state) return;
      await new Promise<void>((resolve) => {
        const once = () => {
          this.changeListeners.delete(once);
          resolve();
        };
        this.changeListeners.add(once);
      });
    }
  }

  /**
   * Stop at the next safe point: the step under way finishes (a setup is never cut), then the
   * run pauses, journaled, to be continued or rolled back. Nothing goes on unattended.
   */
  requestStop(): void {
    this.usersWait.stop();
    if (this.working) this.stopRequested = true;
    this.emitSession();
  }

  /** Whether the run must pause here, at a safe point, because the admin asked to stop. */
  private async stopsHere(): Promise<boolean> {
    if (!this.stopRequested) return false;
    this.stopRequested = false;
    await this.setState('paused');
    this.log('warn', msg('engine.stopped-safely'));
    return true;
  }

  /** Stops the users re-check; the engine's work under way finishes first. */
  async close(): Promise<void> {
    this.usersWait.stop();
    await this.idle();
  }

  private spawn(work: () => Promise<void>): void {
    const run = work()
      .catch((err: unknown) => {
        // A known failure (the disk or the kit full) says itself; anything else is unexpected.
        if (err instanceof UpgradeError) this.log('error', err.message_, err.detail);
        else
          this.log(
            'error',
            msg('engine.unexpected'),
            err instanceof Error ? (err.stack ?? err.message) : String(err),
          );
        return this.setState('paused').catch(() => undefined);
      })
      .finally(() => {
        if (this.working === run) this.working = null;
        this.emitSession();
      });
    this.working = run;
    this.emitSession();
  }

  // ---- intents: each is accepted only if the snapshot offers it ------------------------------

  /** Why a step action is refused now, or null when the snapshot offers it. */
  private refusal(id: StepId, action: StepAction): Message | null {
    if (this.working) return msg('engine.busy');
    const step = this.model.find(id);
    if (!step) return msg('engine.unknown-step', { id });
    if (this.usersWait.state && action !== 'stop-waiting') return msg('engine.waiting-for-users');
    if (this.model.undos.size > 0) return msg('engine.rollback-begun');
    return stepActions(step, this.defs.get(id), this.facts()).includes(action) ? null : NOT_NOW[action];
  }

  start(): Ack {
    if (this.working) return refuse(msg('engine.busy'));
    const actions = runActions(this.model.steps, this.facts());
    if (!actions.includes('start') && !actions.includes('continue'))
      return refuse(msg('engine.not-now', { state: this.model.state }));
    this.spawn(() => this.loop());
    return ok;
  }

  retry(id: StepId): Ack {
    const problem = this.refusal(id, 'retry');
    if (problem) return refuse(problem);
    this.spawn(() => this.rerun(id));
    return ok;
  }

  /** The run state moves first, so that no one ever sees "paused" or "waiting" with nothing failed or waiting. */
  private async rerun(id: StepId): Promise<void> {
    await this.setState('running');
    await this.model.update(id, { status: 'pending', finding: undefined, remedy: undefined });
    await this.loop();
  }

  skip(id: StepId, reason: string): Ack {
    // The reason goes verbatim into the journal and the report: checked here for every shell.
    const problem = reasonProblem(reason) ?? this.refusal(id, 'skip');
    if (problem) return refuse(problem);
    // Skipped ahead of the run (a database with its own backup): recorded, and nothing starts.
    const continueAfter = this.model.state !== 'ready';
    this.spawn(async () => {
      if (continueAfter) await this.setState('running');
      const at = new Date().toISOString();
      await this.model.update(id, { status: 'skipped', skipReason: reason, finishedAt: at });
      this.log('warn', msg('engine.skipped', { step: id, reason }));
      for (const other of this.defs.get(id)?.skipAlso ?? []) {
        if (this.model.find(other)?.status === 'pending')
          await this.model.update(other, { status: 'skipped', skipReason: reason, finishedAt: at });
      }
      if (continueAfter) await this.loop();
    });
    return ok;
  }

  async confirm(id: StepId): Promise<Ack> {
    const problem = this.refusal(id, 'confirm');
    const def = this.defs.get(id);
    const step = this.model.find(id);
    // Waiting for the farm: "check again" runs the step again, as a retry would.
    if (!problem && def?.waitsOnFarm && !def.confirm) {
      this.spawn(() => this.rerun(id));
      return ok;
    }
    if (problem || !def?.confirm || !step) return refuse(problem ?? msg('engine.confirm-not-waiting'));
    let outcome: StepOutcome;
    try {
      outcome = await def.confirm(this.context(id));
    } catch (err) {
      outcome = this.failure(err);
    }
    if (outcome.status === 'waiting') {
      await this.model.update(id, {
        finding: outcome.finding,
        remedy: outcome.remedy,
        evidence: outcome.evidence ?? step.evidence,
      });
      return refuse(outcome.finding ?? msg('engine.confirm-not-waiting'));
    }
    this.spawn(async () => {
      await this.setState('running');
      await this.finishStep(id, outcome, Date.parse(step.startedAt ?? new Date().toISOString()));
      await this.loop();
    });
    return ok;
  }

  rollback(): Ack {
    if (this.working) return refuse(msg('engine.busy'));
    if (!runActions(this.model.steps, this.facts()).includes('rollback'))
      return refuse(msg('engine.rollback-not-available'));
    this.spawn(() => this.rollBack());
    return ok;
  }

  /** The users check runs again every few seconds until it passes; the run then goes on by itself. */
  waitForUsers(id: StepId): Ack {
    const problem = this.refusal(id, 'wait-for-users');
    if (problem) return refuse(problem);
    this.usersWait.start(id);
    const seconds = Math.round(this.usersWait.everyMs / 100) / 10;
    this.log('info', msg('engine.waiting-for-users.started', { seconds }));
    this.emitSession();
    return ok;
  }

  stopWaiting(id: StepId): Ack {
    const problem = this.refusal(id, 'stop-waiting');
    if (problem) return refuse(problem);
    this.usersWait.stop();
    this.emitSession();
    return ok;
  }

  private usersWaitEngine(): UsersWaitEngine {
    return {
      busy: () => this.working !== null,
      look: async (id) => {
        const def = this.defs.get(id);
        if (!def) return { status: 'failed' };
        return def.run(this.context(id)).catch((err: unknown) => this.failure(err));
      },
      finding: (id) => this.model.find(id)?.finding,
      rerun: async (id) => {
        this.spawn(() => this.rerun(id));
        await this.idle();
      },
      record: (id, outcome) =>
        this.model.update(id, { finding: outcome.finding, evidence: outcome.evidence ?? {} }),
      changed: () => this.emitSession(),
    };
  }

  /** The admin did something outside the plan (practice controls): it goes to the log. */
  note(message: Message): void {
    this.log('info', message);
  }

  /** What the host said while it worked (PowerShell, SQL connections): to the log, and run.log once begun. */
  hostLog(level: LogEntry['level'], message: Message, detail?: string): void {
    this.log(level, message, detail);
  }

  /** The checks alone, together, as in a real run's first phase; read-only sessions only. */
  async runChecksOnly(): Promise<Step[]> {
    const checks = this.readOnlyChecks();
    await Promise.all(checks.map((s) => this.runStep(s.id)));
    return this.readOnlyChecks().map((s) => ({ ...s }));
  }

  /** The same checks awaited one at a time: only for the pre-flight benchmark's comparison. */
  async runChecksOneByOne(): Promise<Step[]> {
    for (const s of this.readOnlyChecks()) await this.runStep(s.id);
    return this.readOnlyChecks().map((s) => ({ ...s }));
  }

  private readOnlyChecks(): Step[] {
    if (!this.setup.readOnly) throw new UpgradeError(msg('engine.not-now', { state: this.model.state }));
    return this.model.steps.filter((s) => s.phase === 'checks');
  }

  // ---- the forward run ------------------------------------------------------------------

  private async loop(): Promise<void> {
    await this.setState('running');
    for (;;) {
      if (await this.stopsHere()) return;
      const next = this.model.steps.find((s) => !DONE.has(s.status));
      if (!next) {
        await this.setState('finished');
        return this.removeLeftovers();
      }
      if (next.status === 'failed') return this.setState('paused');
      if (next.status === 'waiting') return this.setState('waiting');
      if (next.phase === 'checks') {
        const batch = this.model.steps.filter((s) => s.phase === 'checks' && s.status === 'pending');
        await Promise.all(batch.map((s) => this.runStep(s.id)));
        continue;
      }
      if (await this.waitsForRestart(next.id)) return;
      const gate = gateProblem(next, this.model.steps, this.defs, this.model.artifacts);
      if (gate) {
        await this.model.update(next.id, {
          status: 'failed',
          finding: gate,
          remedy: msg('engine.gate.remedy'),
        });
        continue;
      }
      await this.runStep(next.id);
    }
  }

  /**
   * A step that must wait for the server's restart stops the run before it, resumable: the step
   * stays pending with the reason, the run is paused and journaled as such, and a later start of
   * the upgrade manager (after the restart) continues from it as from any paused run.
   */
  private async waitsForRestart(id: StepId): Promise<boolean> {
    const def = this.defs.get(id);
    const reason = def?.waitsFor ? await def.waitsFor(this.context(id)) : null;
    if (!reason) return false;
    this.awaitingRestart = true;
    await this.model.update(id, { finding: reason, remedy: remedyOf(reason) ?? undefined });
    await this.setState('paused');
    this.log('warn', reason);
    return true;
  }

  private async runStep(id: StepId): Promise<void> {
    const def = this.defs.get(id);
    if (!def) throw new UpgradeError(msg('engine.unknown-step', { id }));
    const started = Date.now();
    await this.model.update(id, {
      status: 'running',
      startedAt: new Date(started).toISOString(),
      finding: undefined,
      remedy: undefined,
      finishedAt: undefined,
      durationMs: undefined,
    });
    let outcome: StepOutcome;
    try {
      outcome = await def.run(this.context(id));
    } catch (err) {
      outcome = this.failure(err);
    }
    await this.finishStep(id, outcome, started);
  }

  private async finishStep(id: StepId, outcome: StepOutcome, started: number): Promise<void> {
    const def = this.defs.get(id);
    const status = def?.severity === 'warning' && outcome.status === 'failed' ? 'warning' : outcome.status;
    const now = Date.now();
    await this.model.update(id, {
      status,
      finding: outcome.finding,
      remedy: outcome.remedy,
      evidence: outcome.evidence ?? {},
      skippable: outcome.skippable ?? def?.skippable ?? false,
      ...(status === 'waiting' ? {} : { finishedAt: new Date(now).toISOString(), durationMs: now - started }),
    });
    if (status === 'failed') this.log('error', msg('engine.step-failed', { step: id }), outcome.finding?.key);
    else if (this.usersWait.state?.stepId === id) this.usersWait.stop();
    if (id === 'upgrade.check-version' && typeof outcome.evidence?.found === 'string')
      this.installedNow = outcome.evidence.found;
  }

  private failure(err: unknown): StepOutcome {
    if (err instanceof UpgradeError) {
      this.log('error', err.message_, err.detail);
      const remedy = remedyOf(err.message_) ?? msg('engine.step-crashed.remedy');
      return { status: 'failed', finding: err.message_, remedy };
    }
    this.log(
      'error',
      msg('engine.step-crashed'),
      err instanceof Error ? (err.stack ?? err.message) : String(err),
    );
    return {
      status: 'failed',
      finding: msg('engine.step-crashed'),
      remedy: msg('engine.step-crashed.remedy'),
    };
  }

  // ---- the report and the rollback --------------------------------------------------------

  /** The last step: the report goes on the kit with every step's outcome, itself included. */
  async writeReportStep(): Promise<StepOutcome> {
    const id = 'report.write';
    const step = this.model.find(id);
    const started = Date.parse(step?.startedAt ?? new Date().toISOString());
    const finishedAt = new Date().toISOString();
    const evidence = {
      json: path.join(this.runDir, 'report.json'),
      html: path.join(this.runDir, 'report.html'),
    };
    // The report records itself as passed; the engine journals that once the files are written.
    const snapshot = this.snapshot();
    snapshot.steps = snapshot.steps.map((s) =>
      s.id === id
        ? { ...s, status: 'passed', evidence, finishedAt, durationMs: Date.parse(finishedAt) - started }
        : s,
    );
    snapshot.run.state = 'finished';
    await this.writeReport(snapshot, 'upgraded', finishedAt);
    return { status: 'passed', evidence };
  }

  private async writeReport(snapshot: Session, outcome: ReportOutcome, finishedAt: string): Promise<void> {
    const farm = await this.farmNow();
    const setup = {
      runDir: this.runDir,
      fromVersion: this.fromVersion,
      toVersion: this.setup.kitVersionText,
      kit: this.setup.kit,
      farm,
    };
    this.report = await writeRunReport(setup, this.model, this.defs, snapshot, outcome, finishedAt);
    this.log('info', msg('report.written', { path: this.report.htmlPath }));
    if (farm) {
      const written = await writeFarmReport(this.setup.kitDir, farm);
      this.log('info', msg('farm.report.written', { path: written.html }));
    }
  }

  /** The farm as this server sees it now (issue 15); a farm view that cannot be made is logged, the report goes on. */
  async farmNow(): Promise<FarmStatus | undefined> {
    const d = this.setup.discovery;
    const o = { host: this.setup.host, kitVersion: this.setup.kitVersionText, connections: d.connections };
    return farmStatusHere(this.setup.farm, o, this.setup.readOnly ? undefined : this.ledgerEntry()).catch(
      (err: unknown) => {
        this.log('warn', msg('engine.unexpected'), String(err));
        return undefined;
      },
    );
  }

  /** Each changed step's undo, newest first; a failed undo pauses, and Rollback continues from it. */
  private async rollBack(): Promise<void> {
    await this.setState('rolling-back');
    this.log('info', msg('engine.rollback-started'));
    const failed = await runUndos(
      this.model,
      this.defs,
      (s) => this.context(s.id),
      () => this.stopRequested,
    );
    if (await this.stopsHere()) return;
    if (failed) {
      this.log('error', msg('engine.rollback-failed'), failed.finding?.key);
      await this.setState('paused');
      return;
    }
    const site = this.setup.discovery.site;
    if (site) {
      this.installedNow = await readInstalledVersion({
        host: this.setup.host,
        physicalPath: site.physicalPath,
        connections: this.setup.discovery.connections,
        profile: this.setup.profile,
      });
    }
    const finishedAt = new Date().toISOString();
    const snapshot = this.snapshot();
    await this.writeReport(
      { ...snapshot, run: { ...snapshot.run, state: 'rolled-back', actions: [] } },
      'rolled-back',
      finishedAt,
    );
    await this.setState('rolled-back');
    this.log('info', msg('engine.rolled-back'));
    await this.removeLeftovers();
  }

  /**
   * At the end: what an interrupted backup left beside the good ones, and the run's staged copy
   * of the kit (its journal stays). A failure to tidy up is only logged.
   */
  private async removeLeftovers(): Promise<void> {
    if (this.setup.readOnly) return;
    const tidy = async () => {
      if (this.setup.discovery.site) await removeRunLeftovers(this.context('report.write'));
      await removeStagedKit(await this.setup.host.system.stateDir(), this.runId);
    };
    await tidy().catch((err: unknown) => this.log('warn', msg('engine.unexpected'), String(err)));
  }

  // ---- state, lock, events ----------------------------------------------------------------

  /** This server's lock: another manager's live run shows in check.exclusive. */
  private async takeLock(): Promise<void> {
    const system = this.setup.host.system;
    const holder = await acquireLock(
      await system.stateDir(),
      {
        runId: this.runId,
        pid: process.pid,
        hostname: this.setup.discovery.hostname,
        startedAt: this.model.startedAt ?? new Date().toISOString(),
        kitDir: this.setup.kitDir,
      },
      (pid) => system.processStartTime(pid),
    );
    // Held by another live process: this one changes nothing (its first record is not written).
    if (holder) throw lockHeldError(holder);
  }

  private async setState(state: RunState): Promise<void> {
    await this.model.setState(state);
    if ((state === 'finished' || state === 'rolled-back') && !this.setup.readOnly)
      await releaseLock(await this.setup.host.system.stateDir(), this.runId);
  }

  private context(id: StepId): StepContext {
    const started = Date.now();
    return {
      host: this.setup.host,
      kit: this.setup.kit,
      kitProblem: this.setup.kitProblem,
      kitDir: this.setup.kitDir,
      profile: this.setup.profile,
      discovery: this.setup.discovery,
      farm: this.setup.farm,
      runId: this.runId,
      runDir: this.runDir,
      options: this.setup.options,
      artifacts: this.model.artifacts,
      recordArtifact: (a) => this.model.recordArtifact(a),
      progress: (p) => this.progress(id, started, p),
      log: (level, message, detail) => this.log(level, message, detail),
      steps: this.model.steps,
      kitVersion: this.setup.kit?.version ?? null,
      startedFrom: this.fromVersion,
      releaseNotes: this.setup.releaseNotes ?? [],
      writeReport: () => this.writeReportStep(),
    };
  }

  private progress(stepId: StepId, started: number, p: ProgressReport): void {
    const report = this.progressThrottle.report(stepId, started, p);
    if (report) this.setup.events.progress(report);
  }

  private log(level: LogEntry['level'], message: Message, detail?: string): void {
    const entry: LogEntry = { at: new Date().toISOString(), level, message, ...(detail ? { detail } : {}) };
    this.setup.events.log(entry);
    if (this.model.begun) {
      const line = `${entry.at} ${level.toUpperCase()} ${message.key} ${JSON.stringify(message.params ?? {})}${detail ? ` | ${detail}` : ''}\n`;
      void mkdir(this.runDir, { recursive: true })
        .then(() => appendFile(path.join(this.runDir, 'run.log'), line))
        .catch(() => undefined);
    }
  }

  private emitSession(): void {
    this.setup.events.session(this.snapshot());
    for (const l of [...this.changeListeners]) l();
  }
}
