import { useI18n } from '../i18n';
import { useUpgrade } from '../store/react';

/** What the engine refused (a failed Ack) or a call that did not get through. */
export function ErrorAlert() {
  const { t, tm } = useI18n();
  const error = useUpgrade((s) => s.error);
  const dismiss = useUpgrade((s) => s.dismissError);
  if (!error) return null;
  return (
    <div className="alert" role="alert" data-testid="error-alert" data-error-key={error.key}>
      <div className="alert__text">
        <strong className="alert__title">{t('ui.error.title')}</strong>
        <p className="alert__message" data-testid="error-message">
          {tm(error)}
        </p>
      </div>
      <button type="button" className="btn btn--ghost" data-testid="error-dismiss" onClick={dismiss}>
        {t('ui.error.dismiss')}
      </button>
    </div>
  );
}
