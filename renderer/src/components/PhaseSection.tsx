import type { Phase, Session } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';
import { isFinished, stepsOfPhase } from '../logic/steps';
import { StepRow } from './StepRow';

/** One phase of the plan (checks, backup, upgrade, after, report) and its steps. */
export function PhaseSection({ session, phase, index }: { session: Session; phase: Phase; index: number }) {
  const { t } = useI18n();
  const steps = stepsOfPhase(session, phase);
  if (steps.length === 0) return null;
  const done = steps.filter((s) => isFinished(s.status) && s.status !== 'failed').length;
  const failed = steps.some((s) => s.status === 'failed');
  const active = steps.some((s) => s.status === 'running' || s.status === 'waiting');
  const state = failed ? 'failed' : done === steps.length ? 'done' : active ? 'active' : 'todo';
  const headingId = `phase-${phase}-title`;
  return (
    <section
      className={`phase phase--${state}`}
      data-testid={`phase-${phase}`}
      data-phase={phase}
      aria-labelledby={headingId}
    >
      <header className="phase__head">
        <span className="phase__number" aria-hidden="true">
          {index + 1}
        </span>
        <h2 id={headingId} className="phase__title">
          {t(`ui.phase.${phase}`)}
        </h2>
        <span className="phase__count">{t('ui.phase.count', { done, total: steps.length })}</span>
      </header>
      <ol className="phase__steps">
        {steps.map((step) => (
          <StepRow key={step.id} session={session} step={step} />
        ))}
      </ol>
    </section>
  );
}
