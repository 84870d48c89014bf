import type { Session } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';
import { runActions } from '../logic/steps';
import { useUpgrade } from '../store/react';
import { RollbackControl } from './RollbackControl';

/** The run-level buttons: start, continue a resumed run, roll back. */
export function RunControls({ session }: { session: Session }) {
  const { t } = useI18n();
  const pending = useUpgrade((s) => s.pending);
  const pendingStart = useUpgrade((s) => s.pendingAction?.name === 'startRun');
  const startRun = useUpgrade((s) => s.startRun);
  const can = runActions(session);
  if (!can.start && !can.continue && !can.rollback) return null;
  return (
    <div className="run-controls">
      {can.start && (
        <button
          type="button"
          className="btn btn--primary btn--large"
          data-testid="start-run"
          disabled={pending}
          onClick={() => void startRun()}
        >
          {t('ui.action.start')}
        </button>
      )}
      {can.continue && (
        <button
          type="button"
          className="btn btn--primary btn--large"
          data-testid="continue-run"
          disabled={pending}
          onClick={() => void startRun()}
        >
          {t('ui.action.continue')}
        </button>
      )}
      {pendingStart && <span className="working">{t('ui.action.working')}</span>}
      {can.rollback && <RollbackControl />}
    </div>
  );
}
