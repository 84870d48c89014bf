import { type Language, remedyOf } from '../shared/i18n';
import type { Message, UpgradeError } from '../shared/message';
import type { LogEntry, Progress, Session, Step } from '../shared/plan';
import { lockoutMessage } from '../shared/time-text';
import { translator } from '../core/i18n';
import { complain } from './usage';

const ICON: Record<Step['status'], string> = {
  pending: '·',
  running: '…',
  passed: '✔',
  warning: '!',
  failed: '✖',
  skipped: '↷',
  waiting: '?',
};

/** Draws engine events as plain lines: readable in a terminal, a log file or a CI run. */
export class TerminalView {
  private readonly t: (m: Message) => string;
  private readonly printed = new Map<string, string>();
  private readonly progressMarks = new Map<string, number>();
  /** Issue 11: when the lockout began, while it lasts (from the session). */
  private lockoutSince: string | null = null;

  constructor(
    private readonly lang: Language,
    private readonly write: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
    private readonly verbose = false,
  ) {
    this.t = translator(lang);
  }

  text(m: Message): string {
    return this.t(m);
  }

  stepLine(s: Step): string {
    const phase = this.t({ key: `phase.${s.phase}` });
    const time = s.durationMs !== undefined ? ` (${(s.durationMs / 1000).toFixed(1)} s)` : '';
    const lockout = this.lockoutSince ? ` · ${this.lockoutText(this.lockoutSince)}` : '';
    // Issue 15: a step waiting for the other servers of the farm is not waiting for the admin here.
    const farm = s.status === 'waiting' && (s.finding?.key.startsWith('farm.') ?? false);
    const status = this.t({ key: farm ? 'status.waiting-farm' : `status.${s.status}` });
    return `${ICON[s.status]} [${phase}] ${this.t(s.title)} — ${status}${time}${lockout}`;
  }

  /** The lockout's start and how long it has lasted, as the window's header says it. */
  private lockoutText(since: string): string {
    return this.t(lockoutMessage(since, Date.now(), this.lang));
  }

  describe(s: Step): string[] {
    const lines = [this.stepLine(s)];
    if (s.finding) lines.push(`    ${this.t(s.finding)}`);
    if (s.remedy && (s.status === 'failed' || s.status === 'warning' || s.status === 'waiting'))
      lines.push(`    → ${this.t(s.remedy)}`);
    if (s.status === 'waiting' && s.instructions) lines.push(`    ${this.t(s.instructions)}`);
    if (s.skipReason) lines.push(`    ${this.lang === 'it' ? 'motivo' : 'reason'}: ${s.skipReason}`);
    return lines;
  }

  onSession(session: Session): void {
    const since = session.run.lockout?.since ?? null;
    if (since !== null && since !== this.lockoutSince) this.write(`  ⚿ ${this.lockoutText(since)}`);
    this.lockoutSince = since;
    for (const s of session.steps) {
      const key = `${s.status}|${s.finding?.key ?? ''}`;
      if (this.printed.get(s.id) === key || s.status === 'pending') continue;
      this.printed.set(s.id, key);
      if (s.status === 'running') {
        this.write(this.stepLine(s));
        continue;
      }
      for (const line of this.describe(s)) this.write(line);
      if (s.shows === 'release-notes' && s.status === 'waiting') this.printNotes(session);
    }
  }

  /** NOTA BENE 1 in a terminal: the notes as written, in the chosen language or else the other. */
  private printNotes(session: Session): void {
    for (const version of [...new Set(session.releaseNotes.map((n) => n.version))]) {
      const note =
        session.releaseNotes.find((n) => n.version === version && n.lang === this.lang) ??
        session.releaseNotes.find((n) => n.version === version);
      if (!note) continue;
      this.write(`    ┌ ${version}`);
      for (const line of note.markdown.trimEnd().split('\n')) this.write(`    │ ${line}`);
      this.write('    └');
    }
  }

  onProgress(p: Progress): void {
    const mark = Math.floor(p.percent / 25) * 25;
    if (mark === 0 || (this.progressMarks.get(p.stepId) ?? 0) >= mark) return;
    this.progressMarks.set(p.stepId, mark);
    const bytes = p.bytesTotal
      ? ` ${(p.bytesDone ?? 0).toLocaleString(this.lang)} / ${p.bytesTotal.toLocaleString(this.lang)} B`
      : '';
    this.write(`    ${p.stepId}: ${mark}%${bytes}, ${(p.elapsedMs / 1000).toFixed(1)} s`);
  }

  onLog(e: LogEntry): void {
    if (this.verbose || e.level !== 'info')
      this.write(`    ${e.level === 'error' ? '✖' : e.level === 'warn' ? '!' : 'i'} ${this.t(e.message)}`);
    if (this.verbose && e.detail) this.write(`      ${e.detail.split('\n').join('\n      ')}`);
  }
}

/** A failure as the admin reads it, on stderr: what happened, the technical detail, what to do. */
export function printFailure(err: UpgradeError, lang: Language): void {
  const view = new TerminalView(lang, complain);
  complain(`✖ ${view.text(err.message_)}`);
  if (err.detail) complain(`  ${err.detail}`);
  // What to do about it, as the window shows it.
  const remedy = remedyOf(err.message_);
  if (remedy) complain(`  → ${view.text(remedy)}`);
}
