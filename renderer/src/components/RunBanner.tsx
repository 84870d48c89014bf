import type { Session } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';
import { focusStep } from '../logic/steps';
import { useUpgrade } from '../store/react';
import { ProgressBar } from './ProgressBar';
import { RunControls } from './RunControls';

/** Brings a step's row into view and focuses it, so that its buttons are at hand. */
function scrollToStep(stepId: string): void {
  const row = Array.from(document.querySelectorAll<HTMLElement>('[data-step-id]')).find(
    (el) => el.dataset.stepId === stepId,
  );
  if (!row) return;
  row.scrollIntoView({ behavior: 'smooth', block: 'center' });
  row.focus({ preventScroll: true });
}

/** Where the run stands, in one sentence, with what to do next. */
export function RunBanner({ session }: { session: Session }) {
  const { t, tm } = useI18n();
  const state = session.run.state;
  const step = focusStep(session);
  const stepTitle = step ? tm(step.title) : '';
  const progress = useUpgrade((s) => (step?.status === 'running' ? s.progress[step.id] : undefined));

  let body: string;
  switch (state) {
    case 'ready':
      body = t(session.run.resumed ? 'ui.run.resumed.body' : 'ui.run.ready.body');
      break;
    case 'running':
      body = step ? t('ui.run.running.body', { step: stepTitle }) : t('ui.run.running.idle');
      break;
    case 'waiting':
      body = step ? t('ui.run.waiting.body', { step: stepTitle }) : '';
      break;
    case 'paused':
      body = step ? t('ui.run.paused.body', { step: stepTitle }) : t('ui.run.paused.resumed');
      break;
    default:
      body = t(`ui.run.${state}.body`);
  }

  return (
    <section className={`banner banner--${state}`} data-testid="run-banner" data-run-state={state}>
      <div className="banner__text">
        {/* Announced when the run changes state; the progress below is not (it would chatter). */}
        <div className="banner__headline" aria-live="polite" aria-atomic="true">
          <h2 className="banner__title">
            {state === 'paused' && !step ? t('ui.run.paused.resumedTitle') : t(`ui.run.${state}.title`)}
          </h2>
          {body && <p className="banner__body">{body}</p>}
        </div>
        {state === 'paused' && step && (step.finding || step.remedy) && (
          <div className="banner__detail">
            {step.finding && (
              <p data-testid="banner-finding">
                <span className="callout__label">{t('ui.step.finding')}: </span>
                {tm(step.finding)}
              </p>
            )}
            {step.remedy && (
              <p data-testid="banner-remedy" className="banner__remedy">
                <span className="callout__label">{t('ui.step.remedy')}: </span>
                {tm(step.remedy)}
              </p>
            )}
          </div>
        )}
        {progress && <ProgressBar progress={progress} label={stepTitle} testId="banner-progress" />}
        {state === 'waiting' && step?.instructions && (
          <p className="banner__detail" data-testid="banner-instructions">
            {tm(step.instructions)}
          </p>
        )}
        {step && (state === 'paused' || state === 'waiting') && (
          <div className="banner__goto">
            <button
              type="button"
              className="btn btn--ghost btn--small"
              data-testid="banner-goto-step"
              onClick={() => scrollToStep(step.id)}
            >
              {t('ui.run.gotoStep')}
            </button>
          </div>
        )}
      </div>
      <RunControls session={session} />
    </section>
  );
}
