import type { Session, SessionStep } from '../../../electron/shared/plan';
import { formatDuration } from '../format';
import { useI18n } from '../i18n';
import { useUpgrade } from '../store/react';
import { EvidenceList } from './EvidenceList';
import { ProgressBar } from './ProgressBar';
import { CredentialsForm } from './CredentialsForm';
import { ReleaseNotes } from './ReleaseNotes';
import { WaitForUsers } from './WaitForUsers';
import { StatusIcon } from './StatusIcon';
import { StepActions } from './StepActions';

/** One step of the plan: status, title, what was found and what to do, progress, buttons. */
export function StepRow({ session, step }: { session: Session; step: SessionStep }) {
  const { t, tm, language } = useI18n();
  const progress = useUpgrade((s) => s.progress[step.id]);
  const title = tm(step.title);
  const troubled = step.status === 'failed' || step.status === 'warning';
  const showInstructions =
    step.instructions !== undefined &&
    (step.kind === 'manual' || step.status === 'waiting' || step.status === 'running');

  return (
    <li
      className={`step step--${step.status}`}
      data-testid="step"
      data-step-id={step.id}
      data-status={step.status}
      data-kind={step.kind}
      tabIndex={-1}
    >
      <div className="step__status">
        <StatusIcon status={step.status} />
      </div>
      <div className="step__main">
        <div className="step__head">
          <h3 className="step__title" data-testid="step-title">
            {title}
          </h3>
          <span className="step__tags">
            <span className="tag">{t(`ui.kind.${step.kind}`)}</span>
            {step.severity === 'blocking' && (
              <span className="tag tag--blocking">{t('ui.step.blocking')}</span>
            )}
            {step.optional && <span className="tag">{t('ui.step.optional')}</span>}
          </span>
          {step.durationMs !== undefined && (
            <span className="step__duration" data-testid="step-duration">
              {t('ui.step.duration', { time: formatDuration(step.durationMs, language) })}
            </span>
          )}
        </div>

        {troubled && (step.finding || step.remedy) ? (
          <div className={`callout callout--${step.status}`}>
            {step.finding && (
              <p className="callout__finding" data-testid="step-finding">
                <span className="callout__label">{t('ui.step.finding')}: </span>
                {tm(step.finding)}
              </p>
            )}
            {step.remedy && (
              <p className="callout__remedy" data-testid="step-remedy">
                <span className="callout__label">{t('ui.step.remedy')}: </span>
                {tm(step.remedy)}
              </p>
            )}
          </div>
        ) : (
          <>
            {step.finding && (
              <p className="step__finding" data-testid="step-finding">
                {tm(step.finding)}
              </p>
            )}
            {step.remedy && (
              <p className="step__remedy" data-testid="step-remedy">
                <span className="callout__label">{t('ui.step.remedy')}: </span>
                {tm(step.remedy)}
              </p>
            )}
          </>
        )}

        {showInstructions && step.instructions && (
          <div
            className={step.status === 'waiting' ? 'instructions instructions--active' : 'instructions'}
            data-testid="step-instructions"
          >
            <span className="instructions__label">{t('ui.step.instructions')}</span>
            <p>{tm(step.instructions)}</p>
          </div>
        )}

        {step.shows === 'release-notes' && step.status !== 'pending' && (
          <ReleaseNotes notes={session.releaseNotes} />
        )}

        <WaitForUsers step={step} session={session} />

        {step.actions.includes('provide-sql-credentials') && <CredentialsForm step={step} />}

        {step.status === 'running' && progress && <ProgressBar progress={progress} label={title} />}

        {step.status === 'skipped' && step.skipReason && (
          <p className="step__skip-reason" data-testid="step-skip-reason">
            <span className="callout__label">{t('ui.step.skipReason')}: </span>
            <q>{step.skipReason}</q>
          </p>
        )}

        <EvidenceList evidence={step.evidence} />
        <StepActions step={step} />
      </div>
    </li>
  );
}
