import { useState } from 'react';
import type { SessionStep } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';
import { stepActions } from '../logic/steps';
import { useUpgrade } from '../store/react';
import { SkipForm } from './SkipForm';

/** The buttons of one step: retry, skip with a reason, confirm, and the practice-server shortcuts. */
export function StepActions({ step }: { step: SessionStep }) {
  const { t } = useI18n();
  const pending = useUpgrade((s) => s.pending);
  const pendingHere = useUpgrade((s) => s.pendingAction?.stepId === step.id);
  const retryStep = useUpgrade((s) => s.retryStep);
  const skipStep = useUpgrade((s) => s.skipStep);
  const confirmStep = useUpgrade((s) => s.confirmStep);
  const logOffUsers = useUpgrade((s) => s.practiceLogOffUsers);
  const pressAggiornaDatabase = useUpgrade((s) => s.practicePressAggiornaDatabase);
  const [skipping, setSkipping] = useState(false);

  const can = stepActions(step);
  const practice = can.practiceLogOffUsers || can.practiceAggiornaDatabase !== null;
  if (!can.retry && !can.skip && !can.confirm && !practice) return null;

  return (
    <div className="step-actions">
      {practice && (
        <div className="practice-box" data-testid="practice-actions">
          <p className="practice-box__note">{t('ui.practice.simulates')}</p>
          <div className="button-row">
            {can.practiceLogOffUsers && (
              <button
                type="button"
                className="btn btn--practice"
                data-testid="practice-log-off-users"
                disabled={pending}
                onClick={() => void logOffUsers()}
              >
                {t('ui.practice.logOffUsers')}
              </button>
            )}
            {can.practiceAggiornaDatabase !== null && (
              <button
                type="button"
                className="btn btn--practice"
                data-testid="practice-aggiorna-database"
                data-connection-id={can.practiceAggiornaDatabase}
                disabled={pending}
                onClick={() => void pressAggiornaDatabase(can.practiceAggiornaDatabase as string)}
              >
                {t('ui.practice.pressAggiornaDatabase')}
              </button>
            )}
          </div>
        </div>
      )}
      {(can.retry || can.confirm || (can.skip && !skipping)) && (
        <div className="button-row">
          {can.confirm && (
            <button
              type="button"
              className="btn btn--primary"
              data-testid="confirm-step"
              disabled={pending}
              onClick={() => void confirmStep(step.id)}
            >
              {t('ui.action.confirm')}
            </button>
          )}
          {can.retry && (
            <button
              type="button"
              className="btn btn--primary"
              data-testid="retry-step"
              disabled={pending}
              onClick={() => void retryStep(step.id)}
            >
              {t('ui.action.retry')}
            </button>
          )}
          {can.skip && !skipping && (
            <button
              type="button"
              className="btn btn--secondary"
              data-testid="skip-step"
              disabled={pending}
              onClick={() => setSkipping(true)}
            >
              {t('ui.action.skip')}
            </button>
          )}
          {pendingHere && <span className="working">{t('ui.action.working')}</span>}
        </div>
      )}
      {can.skip && skipping && (
        <SkipForm
          disabled={pending}
          onCancel={() => setSkipping(false)}
          onSubmit={(reason) => {
            void skipStep(step.id, reason).then((ok) => {
              if (ok) setSkipping(false);
            });
          }}
        />
      )}
    </div>
  );
}
