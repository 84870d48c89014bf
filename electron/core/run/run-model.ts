import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import type { RunState, Step } from '../../shared/plan';
import type { StepId } from '../../shared/step-id';
import {
  type Artifact,
  JOURNAL_FILE,
  Journal,
  type JournalRecord,
  type Replayed,
  type RunRecord,
  type UndoRecord,
  artifactKey,
  serverJournalFile,
} from './journal';

/** Statuses after which the forward run moves on. */
export const DONE: ReadonlySet<Step['status']> = new Set(['passed', 'warning', 'skipped']);

export interface RunModelSetup {
  runDir: string;
  /** The journal's first record, written when the first transition happens. */
  header: () => Omit<RunRecord, 't' | 'at' | 'steps'>;
  /** Nothing is journaled (a read-only look at the server). */
  readOnly: boolean;
  /** Told after every journaled transition. */
  onChange: () => void;
  /** The server's state folder: the authoritative journal goes under `runs/<runId>/` there. */
  stateDir: () => Promise<string>;
  /** Before the journal's first record (the run's lock); a throw leaves nothing journaled. */
  beforeFirstRecord: () => Promise<void>;
}

/**
 * The run's state and its transitions: every change goes to the journal first and only then
 * takes effect, so that a replayed journal is always a state the run really passed through.
 */
export class RunModel {
  steps: Step[];
  state: RunState;
  artifacts: Artifact[];
  undos: Map<StepId, UndoRecord>;
  startedAt: string | undefined;
  private journal: Journal | null;

  constructor(
    private readonly setup: RunModelSetup,
    fresh: Step[],
    restored?: { replayed: Replayed; journal: Journal },
  ) {
    if (restored) {
      const r = restored.replayed;
      this.steps = r.run.steps.map((s) => r.steps.get(s.id) ?? s);
      this.state = r.state;
      this.artifacts = [...r.artifacts];
      this.undos = new Map(r.undos);
      this.startedAt = r.run.at;
      this.journal = restored.journal;
    } else {
      this.steps = fresh;
      this.state = 'ready';
      this.artifacts = [];
      this.undos = new Map();
      this.startedAt = undefined;
      this.journal = null;
    }
  }

  /** Whether anything has been journaled: the run exists on the server (and on the kit). */
  get begun(): boolean {
    return this.journal !== null;
  }

  find(id: StepId): Step | undefined {
    return this.steps.find((s) => s.id === id);
  }

  async update(id: StepId, patch: Partial<Step>): Promise<void> {
    const index = this.steps.findIndex((s) => s.id === id);
    const current = this.steps[index];
    if (!current) throw new UpgradeError(msg('engine.unknown-step', { id }));
    const next: Step = { ...current };
    for (const [k, v] of Object.entries(patch)) {
      if (v === undefined) delete (next as Record<string, unknown>)[k];
      else (next as Record<string, unknown>)[k] = v;
    }
    await this.append({ t: 'step', at: new Date().toISOString(), step: next });
    this.steps[index] = next;
    this.setup.onChange();
  }

  async setState(state: RunState): Promise<void> {
    if (this.state === state) return;
    await this.append({ t: 'state', at: new Date().toISOString(), state });
    this.state = state;
    this.setup.onChange();
  }

  async recordArtifact(a: Artifact): Promise<void> {
    await this.append({ t: 'artifact', at: new Date().toISOString(), artifact: a });
    const i = this.artifacts.findIndex((x) => artifactKey(x) === artifactKey(a));
    if (i >= 0) this.artifacts[i] = a;
    else this.artifacts.push(a);
  }

  async recordUndo(undo: UndoRecord): Promise<void> {
    await this.append({ t: 'undo', at: new Date().toISOString(), undo });
    this.undos.set(undo.stepId, undo);
    this.setup.onChange();
  }

  private async append(record: JournalRecord): Promise<void> {
    if (this.setup.readOnly) return;
    if (!this.journal) {
      const startedAt = new Date().toISOString();
      this.startedAt = startedAt;
      try {
        await this.setup.beforeFirstRecord();
      } catch (err) {
        this.startedAt = undefined;
        throw err;
      }
      const header = this.setup.header();
      // The server's journal is the truth; the kit's copy follows it record by record.
      this.journal = await Journal.create(
        serverJournalFile(await this.setup.stateDir(), header.runId),
        { t: 'run', at: startedAt, ...header, steps: this.steps },
        { copy: path.join(this.setup.runDir, JOURNAL_FILE) },
      );
    }
    await this.journal.append(record);
  }
}
