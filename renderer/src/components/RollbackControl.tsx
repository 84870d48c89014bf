import { useState } from 'react';
import { useI18n } from '../i18n';
import { useUpgrade } from '../store/react';

/** "Ripristina (rollback)", behind an explicit confirmation. */
export function RollbackControl() {
  const { t } = useI18n();
  const pending = useUpgrade((s) => s.pending);
  const rollback = useUpgrade((s) => s.rollback);
  const [confirming, setConfirming] = useState(false);

  if (!confirming) {
    return (
      <button
        type="button"
        className="btn btn--danger-outline"
        data-testid="rollback"
        disabled={pending}
        onClick={() => setConfirming(true)}
      >
        {t('ui.action.rollback')}
      </button>
    );
  }
  return (
    <div
      className="confirm-box"
      data-testid="rollback-confirmation"
      role="group"
      aria-labelledby="rollback-title"
    >
      <p id="rollback-title" className="confirm-box__title">
        {t('ui.rollback.title')}
      </p>
      <p className="confirm-box__body">{t('ui.rollback.body')}</p>
      <div className="button-row">
        <button
          type="button"
          className="btn btn--danger"
          data-testid="rollback-confirm"
          disabled={pending}
          onClick={() => {
            void rollback().then(() => setConfirming(false));
          }}
        >
          {t('ui.rollback.confirm')}
        </button>
        <button
          type="button"
          className="btn btn--ghost"
          data-testid="rollback-cancel"
          onClick={() => setConfirming(false)}
        >
          {t('ui.rollback.cancel')}
        </button>
      </div>
    </div>
  );
}
