import type { Session, SessionStep } from '../../../electron/shared/plan';
import { formatClock, localeOf } from '../../../electron/shared/time-text';
import { useI18n } from '../i18n';
import { stepActions } from '../logic/steps';
import { useUpgrade } from '../store/react';

/** "Wait with live refresh": the engine runs the check again every few seconds until nobody is connected. */
export function WaitForUsers({ step, session }: { step: SessionStep; session: Session }) {
  const { t, language } = useI18n();
  const pending = useUpgrade((s) => s.pending);
  const waitForUsers = useUpgrade((s) => s.waitForUsers);
  const stopWaiting = useUpgrade((s) => s.stopWaitingForUsers);
  const can = stepActions(step);
  if (!can.waitForUsers && !can.stopWaiting) return null;
  const waiting = session.run.waitingForUsers;
  // "every 5 s", and "every 0,2 s" rather than "every 0 s" for an interval under a second.
  const seconds = new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: 1 }).format(
    session.run.usersRecheckMs / 1000,
  );
  return (
    <div className="button-row">
      <button
        type="button"
        className="btn btn--ghost"
        data-testid="wait-for-users"
        aria-pressed={can.stopWaiting}
        disabled={pending}
        onClick={() => void (can.stopWaiting ? stopWaiting(step.id) : waitForUsers(step.id))}
      >
        {can.stopWaiting ? t('ui.users.stopWaiting') : t('ui.users.wait', { seconds })}
      </button>
      {waiting?.lastCheckedAt && (
        <span className="working" data-testid="users-last-checked">
          {t('ui.users.lastChecked', { time: formatClock(waiting.lastCheckedAt, language) })}
        </span>
      )}
    </div>
  );
}
