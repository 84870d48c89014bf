import { randomBytes } from 'node:crypto';
import { appendFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Ack } from '../../shared/contract';
import { engineCatalog } from '../../shared/i18n';
import { type Message, UpgradeError, msg } from '../../shared/message';
import type { LogEntry, Progress, ReleaseNote, RunState, Session, Step } from '../../shared/plan';
import { treeHash } from '../files/tree';
import { restoreZip } from '../files/zip-restore';
import type { SignedKit } from '../kit/kit-verify';
import { KIT_REPORTS } from '../kit/kit-manifest';
import type { Host } from '../ports';
import type { Profile } from '../profile';
import { writeReport } from '../report/report';
import { acquireLock, releaseLock } from './run-lock';
import { readInstalledVersion } from '../steps/read-install';
import type {
  Discovery,
  EngineOptions,
  ProgressReport,
  StepContext,
  StepDefinition,
  StepOutcome,
} from './context';
import {
  type Artifact,
  JOURNAL_FILE,
  Journal,
  type Replayed,
  type RollbackRecord,
  artifactKey,
} from './journal';

const DONE: ReadonlySet<Step['status']> = new Set(['passed', 'warning', 'skipped']);
const PROGRESS_INTERVAL_MS = 100;

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
  options: EngineOptions;
  definitions: readonly StepDefinition[];
  releaseNotes?: readonly ReleaseNote[];
  events: EngineEvents;
  /** Nothing is journaled: a look at the server that changes nothing (the CLI's `check`). */
  readOnly?: boolean;
  /** A run found unfinished in the kit's journal, to continue. */
  restored?: { replayed: Replayed; journal: Journal; runDir: string };
}

const ok: Ack = { ok: true };
const refuse = (key: string, params?: Record<string, string | number>): Ack => ({
  ok: false,
  error: msg(key, params),
});

export function hostFolderName(hostname: string): string {
  return hostname.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 64) || 'server';
}

export function newRunId(now = new Date()): string {
  return `${now.toISOString().replace(/[-:]/g, '').replace(/\..*/, '').replace('T', '-')}-${randomBytes(2).toString('hex')}`;
}

/**
 * Runs the plan: checks together, then actions one at a time behind their gates; every
 * transition goes to the journal before it takes effect; a failure pauses the run for the
 * admin to retry, skip with a reason where allowed, or roll back.
 */
export class UpgradeEngine {
  private steps: Step[];
  private readonly defs: Map<string, StepDefinition>;
  private state: RunState;
  private artifacts: Artifact[];
  private rollbackRecord: RollbackRecord | null;
  private journal: Journal | null;
  private readonly runId: string;
  private readonly runDir: string;
  private readonly resumed: boolean;
  private startedAt: string | undefined;
  private report: Session['report'];
  private working: Promise<void> | null = null;
  private readonly lastProgress = new Map<string, number>();
  /** The version the run started from (the report's "from"), and what is installed now (the header's). */
  private readonly fromVersion: string | null;
  private installedNow: string | null;

  constructor(private readonly setup: EngineSetup) {
    this.defs = new Map(setup.definitions.map((d) => [d.id, d]));
    const fresh: Step[] = setup.definitions.map((d) => ({
      id: d.id,
      phase: d.phase,
      kind: d.kind,
      ...(d.severity ? { severity: d.severity } : {}),
      optional: d.optional ?? false,
      skippable: d.skippable,
      title: d.title,
      ...(d.instructions ? { instructions: d.instructions } : {}),
      status: 'pending',
      evidence: {},
    }));
    const r = setup.restored;
    if (r) {
      this.runId = r.replayed.run.runId;
      this.runDir = r.runDir;
      this.journal = r.journal;
      this.steps = r.replayed.run.steps.map((s) => r.replayed.steps.get(s.id) ?? s);
      this.state = r.replayed.state;
      this.artifacts = [...r.replayed.artifacts];
      this.rollbackRecord = r.replayed.rollback;
      this.startedAt = r.replayed.run.at;
      this.resumed = true;
      this.fromVersion = r.replayed.run.installedVersion;
    } else {
      this.runId = newRunId();
      this.runDir = path.join(
        setup.kitDir,
        KIT_REPORTS,
        hostFolderName(setup.discovery.hostname),
        this.runId,
      );
      this.journal = null;
      this.steps = fresh;
      this.state = 'ready';
      this.artifacts = [];
      this.rollbackRecord = null;
      this.resumed = false;
      this.fromVersion = setup.discovery.installedVersion;
    }
    this.installedNow = setup.discovery.installedVersion;
  }

  /** After a crash: a step caught mid-way is failed as interrupted, and the run waits for the admin. */
  async recoverInterrupted(): Promise<void> {
    if (!this.resumed) return;
    for (const s of this.steps.filter((x) => x.status === 'running')) {
      await this.update(s.id, {
        status: 'failed',
        finding: msg('engine.interrupted.finding'),
        remedy: msg('engine.interrupted.remedy'),
      });
    }
    if (this.state === 'running' || this.state === 'rolling-back') await this.setState('paused');
    if (!this.setup.readOnly) await this.takeLock();
    this.log('warn', msg('engine.resumed', { runId: this.runId }));
  }

  snapshot(): Session {
    const d = this.setup.discovery;
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
        state: this.state,
        resumed: this.resumed,
        ...(this.startedAt ? { startedAt: this.startedAt } : {}),
      },
      steps: this.steps.map((s) => ({ ...s })),
      canRollback: this.canRollback(),
      releaseNotes: [...(this.setup.releaseNotes ?? [])],
      ...(this.report ? { report: this.report } : {}),
    };
  }

  get runFolder(): string {
    return this.runDir;
  }

  /** Resolves when the engine has nothing under way (for the CLI and the tests). */
  async idle(): Promise<void> {
    while (this.working) await this.working;
  }

  private canRollback(): boolean {
    const upgradeStarted = this.steps.some(
      (s) => (s.phase === 'upgrade' || s.phase === 'after') && s.status !== 'pending',
    );
    const anyBackup = this.artifacts.some((a) => a.verified);
    return (this.state === 'paused' || this.state === 'waiting') && upgradeStarted && anyBackup;
  }

  private busy(): boolean {
    return this.working !== null;
  }

  private spawn(work: () => Promise<void>): void {
    const run = work()
      .catch((err: unknown) => {
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
  }

  // ---- intents -------------------------------------------------------------------------

  start(): Ack {
    if (this.busy()) return refuse('engine.busy');
    if (!['ready', 'paused', 'waiting'].includes(this.state))
      return refuse('engine.not-now', { state: this.state });
    this.spawn(() => this.loop());
    return ok;
  }

  retry(id: string): Ack {
    const step = this.find(id);
    if (!step) return refuse('engine.unknown-step', { id });
    if (this.busy()) return refuse('engine.busy');
    if (step.status !== 'failed') return refuse('engine.retry-not-failed');
    this.spawn(async () => {
      // The run state moves first, so that no one ever sees "paused" or "waiting" with nothing failed or waiting.
      await this.setState('running');
      await this.update(id, { status: 'pending', finding: undefined, remedy: undefined });
      await this.loop();
    });
    return ok;
  }

  skip(id: string, reason: string): Ack {
    const step = this.find(id);
    if (!step) return refuse('engine.unknown-step', { id });
    if (this.busy()) return refuse('engine.busy');
    if (!['ready', 'paused', 'waiting'].includes(this.state))
      return refuse('engine.not-now', { state: this.state });
    const allowed =
      (step.skippable && (step.status === 'pending' || step.status === 'failed')) ||
      (step.optional && step.status === 'waiting');
    if (!allowed) return refuse('engine.skip-not-allowed');
    const continueAfter = this.state !== 'ready';
    this.spawn(async () => {
      if (continueAfter) await this.setState('running');
      const at = new Date().toISOString();
      await this.update(id, { status: 'skipped', skipReason: reason, finishedAt: at });
      this.log('warn', msg('engine.skipped', { step: id, reason }));
      for (const other of this.defs.get(id)?.skipAlso ?? []) {
        if (this.find(other)?.status === 'pending') {
          await this.update(other, { status: 'skipped', skipReason: reason, finishedAt: at });
        }
      }
      if (continueAfter) await this.loop();
    });
    return ok;
  }

  async confirm(id: string): Promise<Ack> {
    const step = this.find(id);
    const def = this.defs.get(id);
    if (!step || !def) return refuse('engine.unknown-step', { id });
    if (this.busy()) return refuse('engine.busy');
    if (step.kind !== 'manual' || step.status !== 'waiting' || !def.confirm)
      return refuse('engine.confirm-not-waiting');
    let outcome: StepOutcome;
    try {
      outcome = await def.confirm(this.context(id));
    } catch (err) {
      outcome = this.failure(err);
    }
    if (outcome.status === 'waiting') {
      await this.update(id, {
        finding: outcome.finding,
        remedy: outcome.remedy,
        evidence: outcome.evidence ?? step.evidence,
      });
      return { ok: false, error: outcome.finding ?? msg('engine.confirm-not-waiting') };
    }
    this.spawn(async () => {
      await this.setState('running');
      await this.finishStep(id, outcome, Date.parse(step.startedAt ?? new Date().toISOString()));
      await this.loop();
    });
    return ok;
  }

  rollback(): Ack {
    if (this.busy()) return refuse('engine.busy');
    if (!this.canRollback()) return refuse('engine.rollback-not-available');
    this.spawn(() => this.doRollback());
    return ok;
  }

  /** The admin did something outside the plan (practice controls): it goes to the log. */
  note(message: Message): void {
    this.log('info', message);
  }

  /** The checks alone, together, as in a real run's first phase; read-only sessions only. */
  async runChecksOnly(): Promise<Step[]> {
    if (!this.setup.readOnly) throw new UpgradeError(msg('engine.not-now', { state: this.state }));
    await Promise.all(this.steps.filter((s) => s.phase === 'checks').map((s) => this.runStep(s.id)));
    return this.steps.filter((s) => s.phase === 'checks').map((s) => ({ ...s }));
  }

  /** The same checks awaited one at a time: only for the pre-flight benchmark's comparison. */
  async runChecksOneByOne(): Promise<Step[]> {
    if (!this.setup.readOnly) throw new UpgradeError(msg('engine.not-now', { state: this.state }));
    for (const s of this.steps.filter((x) => x.phase === 'checks')) await this.runStep(s.id);
    return this.steps.filter((s) => s.phase === 'checks').map((s) => ({ ...s }));
  }

  // ---- the run ---------------------------------------------------------------------------

  private async loop(): Promise<void> {
    await this.setState('running');
    for (;;) {
      const next = this.steps.find((s) => !DONE.has(s.status));
      if (!next) {
        await this.setState('finished');
        return;
      }
      if (next.status === 'failed') {
        await this.setState('paused');
        return;
      }
      if (next.status === 'waiting') {
        await this.setState('waiting');
        return;
      }
      if (next.phase === 'checks') {
        const batch = this.steps.filter((s) => s.phase === 'checks' && s.status === 'pending');
        await Promise.all(batch.map((s) => this.runStep(s.id)));
        continue;
      }
      const gate = this.gateProblem(next);
      if (gate) {
        await this.update(next.id, { status: 'failed', finding: gate, remedy: msg('engine.gate.remedy') });
        continue;
      }
      await this.runStep(next.id);
    }
  }

  /** No step past the backup runs unless every check and every backup passed or was skipped with a reason. */
  gateProblem(step: Step): Message | null {
    if (step.phase === 'checks' || step.phase === 'backup') return null;
    const open = this.steps.filter(
      (s) => (s.phase === 'checks' || s.phase === 'backup') && !DONE.has(s.status),
    );
    if (open.length > 0) return msg('engine.gate.closed', { steps: open.map((s) => s.id).join(', ') });
    const unverified = this.steps
      .filter((s) => s.phase === 'backup' && s.kind === 'action' && s.status === 'passed')
      .filter((s) => {
        const key = s.id === 'backup.files' ? 'files' : `db:${s.id.slice('backup.db:'.length)}`;
        return !this.artifacts.some((a) => artifactKey(a) === key && a.verified);
      });
    if (unverified.length > 0)
      return msg('engine.gate.unverified', { steps: unverified.map((s) => s.id).join(', ') });
    return null;
  }

  private async runStep(id: string): Promise<void> {
    const def = this.defs.get(id);
    if (!def) throw new UpgradeError(msg('engine.unknown-step', { id }));
    const started = Date.now();
    await this.update(id, {
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

  private async finishStep(id: string, outcome: StepOutcome, started: number): Promise<void> {
    const def = this.defs.get(id);
    const status = def?.severity === 'warning' && outcome.status === 'failed' ? 'warning' : outcome.status;
    const now = Date.now();
    await this.update(id, {
      status,
      finding: outcome.finding,
      remedy: outcome.remedy,
      evidence: outcome.evidence ?? {},
      skippable: outcome.skippable ?? def?.skippable ?? false,
      ...(status === 'waiting' ? {} : { finishedAt: new Date(now).toISOString(), durationMs: now - started }),
    });
    if (status === 'failed') this.log('error', msg('engine.step-failed', { step: id }), outcome.finding?.key);
    if (id === 'upgrade.check-version' && typeof outcome.evidence?.found === 'string')
      this.installedNow = outcome.evidence.found;
  }

  private failure(err: unknown): StepOutcome {
    if (err instanceof UpgradeError) {
      this.log('error', err.message_, err.detail);
      // The message's own remedy where the catalogue has one, else the general one.
      const own = `${err.message_.key}.remedy`;
      return {
        status: 'failed',
        finding: err.message_,
        remedy: own in engineCatalog.it ? msg(own, err.message_.params) : msg('engine.step-crashed.remedy'),
      };
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

  /** The last step: the report goes on the kit with every step's outcome, itself included. */
  async writeReportStep(): Promise<StepOutcome> {
    const id = 'report.write';
    const step = this.find(id);
    const started = Date.parse(step?.startedAt ?? new Date().toISOString());
    const finishedAt = new Date().toISOString();
    const paths = {
      jsonPath: path.join(this.runDir, 'report.json'),
      htmlPath: path.join(this.runDir, 'report.html'),
    };
    const outcome: StepOutcome = {
      status: 'passed',
      evidence: { json: paths.jsonPath, html: paths.htmlPath },
    };
    // The report records itself as passed; the engine journals that once the files are written.
    const snapshot = this.snapshot();
    snapshot.steps = snapshot.steps.map((s) =>
      s.id === id
        ? {
            ...s,
            status: 'passed',
            evidence: outcome.evidence ?? {},
            finishedAt,
            durationMs: Date.parse(finishedAt) - started,
          }
        : s,
    );
    snapshot.run.state = 'finished';
    this.report = await this.writeReportFiles(snapshot, 'upgraded', finishedAt);
    return outcome;
  }

  private async writeReportFiles(
    snapshot: Session,
    outcome: 'upgraded' | 'rolled-back' | 'failed',
    finishedAt: string,
  ) {
    const written = await writeReport(this.runDir, {
      session: snapshot,
      outcome,
      fromVersion: this.fromVersion,
      toVersion: this.setup.kitVersionText,
      kitKey: this.setup.kit ? this.setup.kit.key : null,
      artifacts: this.artifacts,
      rollback: this.rollbackRecord ?? undefined,
      startedAt: this.startedAt ?? finishedAt,
      finishedAt,
    });
    this.log('info', msg('report.written', { path: written.htmlPath }));
    return { ...written, outcome };
  }

  private async doRollback(): Promise<void> {
    await this.setState('rolling-back');
    const startedAt = new Date().toISOString();
    const actions: string[] = [];
    const { host, discovery } = this.setup;
    const sites = [discovery.site, discovery.mobileSite].filter(
      (s): s is NonNullable<typeof s> => s !== null,
    );
    const progress = (p: ProgressReport) => this.progress('rollback', Date.parse(startedAt), p);
    let treeHashMatches: boolean | null = null;
    try {
      for (const site of sites)
        for (const pool of site.pools) await host.iis.stopPool(pool, this.setup.options.poolStopTimeoutMs);
      actions.push('pools stopped');
      const files = this.artifacts.find(
        (a): a is Extract<Artifact, { kind: 'files-backup' }> => a.kind === 'files-backup' && a.verified,
      );
      if (files) {
        const after = await restoreZip(files.zipPath, files.source, progress);
        treeHashMatches =
          after === files.treeHash &&
          (await treeHash(files.source, this.setup.profile.backupExclusions)) === files.treeHash;
        actions.push(`files restored from ${files.zipPath} (tree hash ${after})`);
      }
      for (const db of this.artifacts.filter(
        (a): a is Extract<Artifact, { kind: 'db-backup' }> => a.kind === 'db-backup' && a.verified,
      )) {
        const connection = discovery.connections.find((c) => c.name === db.connection);
        if (!connection) continue;
        const now = await host.databases.schemaVersion(connection);
        if (now === db.schemaVersion) {
          actions.push(`database ${db.database} unchanged (${now}): not restored`);
          continue;
        }
        await host.databases.restore(connection, db, (percent) => progress({ percent }));
        actions.push(`database ${db.database} restored from ${db.path}`);
      }
      for (const site of sites) for (const pool of site.pools) await host.iis.startPool(pool);
      if (discovery.site) await host.iis.setMaintenance(discovery.site, false, '');
      actions.push('pools started, maintenance page removed');
      if (discovery.site) {
        this.installedNow = await readInstalledVersion({
          host,
          physicalPath: discovery.site.physicalPath,
          connections: discovery.connections,
          profile: this.setup.profile,
        });
      }
      this.rollbackRecord = { startedAt, finishedAt: new Date().toISOString(), actions, treeHashMatches };
      await this.journalAppend({
        t: 'rollback',
        at: this.rollbackRecord.finishedAt,
        rollback: this.rollbackRecord,
      });
      this.report = await this.writeReportFiles(
        { ...this.snapshot(), run: { ...this.snapshot().run, state: 'rolled-back' } },
        'rolled-back',
        this.rollbackRecord.finishedAt,
      );
      await this.setState('rolled-back');
      this.log('info', msg('engine.rolled-back'));
    } catch (err) {
      this.log(
        'error',
        err instanceof UpgradeError ? err.message_ : msg('engine.rollback-failed'),
        String(err),
      );
      await this.setState('paused');
    }
  }

  // ---- state, journal, events ------------------------------------------------------------

  private find(id: string): Step | undefined {
    return this.steps.find((s) => s.id === id);
  }

  private async ensureJournal(): Promise<Journal> {
    if (this.journal) return this.journal;
    this.startedAt = new Date().toISOString();
    const d = this.setup.discovery;
    this.journal = await Journal.create(path.join(this.runDir, JOURNAL_FILE), {
      t: 'run',
      at: this.startedAt,
      runId: this.runId,
      hostname: d.hostname,
      mode: this.setup.host.system.mode,
      kitVersion: this.setup.kitVersionText,
      installedVersion: d.installedVersion,
      installPath: d.site?.physicalPath ?? null,
      steps: this.steps,
    });
    await this.takeLock();
    return this.journal;
  }

  /** This server's lock: another manager's live run shows in check.exclusive. */
  private async takeLock(): Promise<void> {
    await acquireLock(await this.setup.host.system.stateDir(), {
      runId: this.runId,
      pid: process.pid,
      hostname: this.setup.discovery.hostname,
      startedAt: this.startedAt ?? new Date().toISOString(),
      kitDir: this.setup.kitDir,
    });
  }

  private async journalAppend(record: Parameters<Journal['append']>[0]): Promise<void> {
    if (this.setup.readOnly) return;
    await (await this.ensureJournal()).append(record);
  }

  private async update(id: string, patch: Partial<Step>): Promise<void> {
    const index = this.steps.findIndex((s) => s.id === id);
    const current = this.steps[index];
    if (!current) throw new UpgradeError(msg('engine.unknown-step', { id }));
    const next: Step = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete (next as Record<string, unknown>)[k];
      else (next as Record<string, unknown>)[k] = v;
    }
    await this.journalAppend({ t: 'step', at: new Date().toISOString(), step: next });
    this.steps[index] = next;
    this.emitSession();
  }

  private async setState(state: RunState): Promise<void> {
    if (this.state === state) return;
    await this.journalAppend({ t: 'state', at: new Date().toISOString(), state });
    this.state = state;
    if ((state === 'finished' || state === 'rolled-back') && !this.setup.readOnly) {
      await releaseLock(await this.setup.host.system.stateDir(), this.runId);
    }
    this.emitSession();
  }

  private async recordArtifact(a: Artifact): Promise<void> {
    await this.journalAppend({ t: 'artifact', at: new Date().toISOString(), artifact: a });
    const i = this.artifacts.findIndex((x) => artifactKey(x) === artifactKey(a));
    if (i >= 0) this.artifacts[i] = a;
    else this.artifacts.push(a);
  }

  private context(id: string): StepContext {
    const started = Date.now();
    return {
      host: this.setup.host,
      kit: this.setup.kit,
      kitProblem: this.setup.kitProblem,
      kitDir: this.setup.kitDir,
      profile: this.setup.profile,
      discovery: this.setup.discovery,
      runId: this.runId,
      runDir: this.runDir,
      options: this.setup.options,
      artifacts: this.artifacts,
      recordArtifact: (a) => this.recordArtifact(a),
      progress: (p) => this.progress(id, started, p),
      log: (level, message, detail) => this.log(level, message, detail),
      steps: this.steps,
      kitVersion: this.setup.kit?.version ?? null,
      releaseNotes: this.setup.releaseNotes ?? [],
      writeReport: () => this.writeReportStep(),
    };
  }

  private progress(stepId: string, started: number, p: ProgressReport): void {
    const percent =
      p.percent ??
      (p.bytesTotal
        ? (100 * (p.bytesDone ?? 0)) / p.bytesTotal
        : p.itemsTotal
          ? (100 * (p.itemsDone ?? 0)) / p.itemsTotal
          : 0);
    const now = Date.now();
    const last = this.lastProgress.get(stepId) ?? 0;
    if (percent < 100 && now - last < PROGRESS_INTERVAL_MS) return;
    this.lastProgress.set(stepId, now);
    const elapsedMs = now - started;
    const clamped = Math.max(0, Math.min(100, percent));
    this.setup.events.progress({
      stepId,
      percent: clamped,
      elapsedMs,
      ...(p.bytesDone !== undefined ? { bytesDone: p.bytesDone } : {}),
      ...(p.bytesTotal !== undefined ? { bytesTotal: p.bytesTotal } : {}),
      ...(p.itemsDone !== undefined ? { itemsDone: p.itemsDone } : {}),
      ...(p.itemsTotal !== undefined ? { itemsTotal: p.itemsTotal } : {}),
      ...(clamped > 1 && clamped < 100 ? { etaMs: Math.round((elapsedMs * (100 - clamped)) / clamped) } : {}),
    });
  }

  private log(level: LogEntry['level'], message: Message, detail?: string): void {
    const entry: LogEntry = { at: new Date().toISOString(), level, message, ...(detail ? { detail } : {}) };
    this.setup.events.log(entry);
    if (this.journal) {
      const line = `${entry.at} ${level.toUpperCase()} ${message.key} ${JSON.stringify(message.params ?? {})}${detail ? ` | ${detail}` : ''}\n`;
      void mkdir(this.runDir, { recursive: true })
        .then(() => appendFile(path.join(this.runDir, 'run.log'), line))
        .catch(() => undefined);
    }
  }

  private emitSession(): void {
    this.setup.events.session(this.snapshot());
  }
}
