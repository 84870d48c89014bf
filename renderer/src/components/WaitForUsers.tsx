import { useEffect, useState } from 'react';
import type { Step } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';
import { useUpgrade } from '../store/react';

/** How often the connected-users check runs again while the admin waits for people to log off. */
export const USERS_REFRESH_MS = 10_000;

/** "Wait with live refresh": the check runs again every few seconds until nobody is connected. */
export function WaitForUsers({ step }: { step: Step }) {
  const { t } = useI18n();
  const retryStep = useUpgrade((s) => s.retryStep);
  const [waiting, setWaiting] = useState(false);
  const failed = step.status === 'failed';

  useEffect(() => {
    if (!waiting || !failed) return undefined;
    const timer = setInterval(() => void retryStep(step.id), USERS_REFRESH_MS);
    return () => clearInterval(timer);
  }, [waiting, failed, retryStep, step.id]);

  if (!failed && !waiting) return null;
  return (
    <div className="button-row">
      <button
        type="button"
        className="btn btn--ghost"
        data-testid="wait-for-users"
        aria-pressed={waiting}
        onClick={() => setWaiting((w) => !w)}
      >
        {waiting ? t('ui.users.stopWaiting') : t('ui.users.wait', { seconds: USERS_REFRESH_MS / 1000 })}
      </button>
    </div>
  );
}
