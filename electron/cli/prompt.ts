import type { Language } from '../shared/i18n';
import type { RunAction, Session, SessionStep, StepAction } from '../shared/plan';

/** What the admin can answer at the terminal: an action the engine offers now, or quitting. */
export type Choice =
  | { kind: 'step'; action: StepAction; step: SessionStep }
  | { kind: 'run'; action: Extract<RunAction, 'continue' | 'rollback'> }
  | { kind: 'quit' };

interface KeyLabel {
  key: string;
  it: string;
  en: string;
}

/** The key and label of each action a terminal can take; actions not listed are the window's only. */
const STEP_KEYS: Partial<Record<StepAction, KeyLabel>> = {
  confirm: { key: '', it: '[Invio] fatto', en: '[Enter] done' },
  retry: { key: 'r', it: '[r] riprova', en: '[r] retry' },
  skip: { key: 's', it: '[s] salta con motivo', en: '[s] skip with reason' },
  'wait-for-users': { key: 'w', it: '[w] attendi che escano', en: '[w] wait for them to leave' },
  'practice-log-off-users': {
    key: 'u',
    it: "[u] fai uscire l'utente di prova",
    en: '[u] log the practice user off',
  },
  'practice-aggiorna-database': {
    key: 'a',
    it: '[a] premi «Aggiorna Database»',
    en: '[a] press "Aggiorna Database"',
  },
};
const RUN_KEYS: Record<'continue' | 'rollback', KeyLabel> = {
  continue: { key: 'c', it: '[c] continua', en: '[c] continue' },
  rollback: { key: 'b', it: '[b] ripristina', en: '[b] roll back' },
};
const QUIT: KeyLabel = {
  key: 'q',
  it: '[q] esci (lo stato resta nel giornale)',
  en: '[q] quit (the state stays in the journal)',
};

/** The step that needs the admin now: the one the engine offers actions on. */
export function stepNeedingAdmin(session: Session): SessionStep | undefined {
  return session.steps.find((s) => s.actions.length > 0);
}

/** Every choice the engine offers now, each with its key and label. */
export function choicesFor(session: Session): { choice: Choice; label: KeyLabel }[] {
  const out: { choice: Choice; label: KeyLabel }[] = [];
  const step = stepNeedingAdmin(session);
  for (const action of step?.actions ?? []) {
    const label = STEP_KEYS[action];
    if (step && label) out.push({ choice: { kind: 'step', action, step }, label });
  }
  for (const action of ['continue', 'rollback'] as const)
    if (session.run.actions.includes(action))
      out.push({ choice: { kind: 'run', action }, label: RUN_KEYS[action] });
  out.push({ choice: { kind: 'quit' }, label: QUIT });
  return out;
}

export function promptText(session: Session, lang: Language): string {
  return `${choicesFor(session)
    .map((c) => c.label[lang])
    .join(' · ')} > `;
}

/** The choice an answer names, or null: only the keys listed are accepted, nothing else confirms. */
export function parseChoice(session: Session, answer: string): Choice | null {
  const key = answer.trim().toLowerCase();
  return choicesFor(session).find((c) => c.label.key === key)?.choice ?? null;
}

/** Rolling back is confirmed in full words, never by a stray key. */
export function confirmsRollback(answer: string): boolean {
  return ['sì', 'si', 'yes'].includes(answer.trim().toLowerCase());
}
