import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n';
import { reasonProblem, type ReasonProblem } from '../logic/steps';

/** The reason for skipping a step: required, it goes into the journal and the report verbatim. */
export function SkipForm({
  disabled,
  onSubmit,
  onCancel,
}: {
  disabled: boolean;
  onSubmit: (reason: string) => void;
  onCancel: () => void;
}) {
  const { t } = useI18n();
  const id = useId();
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<ReasonProblem | null>(null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const found = reasonProblem(reason);
    setProblem(found);
    if (!found) onSubmit(reason.trim());
  };

  return (
    <form className="skip-form" data-testid="skip-form" onSubmit={submit} noValidate>
      <label htmlFor={`${id}-reason`} className="skip-form__label">
        {t('ui.skip.label')}
      </label>
      <textarea
        id={`${id}-reason`}
        data-testid="skip-reason"
        className="skip-form__input"
        rows={2}
        maxLength={500}
        value={reason}
        placeholder={t('ui.skip.placeholder')}
        aria-invalid={problem !== null}
        aria-describedby={problem ? `${id}-error` : undefined}
        autoFocus
        onChange={(e) => {
          setReason(e.target.value);
          if (problem && !reasonProblem(e.target.value)) setProblem(null);
        }}
      />
      <div className="skip-form__error" id={`${id}-error`} aria-live="polite">
        {problem && <span data-testid="skip-error">{t(`ui.skip.${problem}`)}</span>}
      </div>
      <div className="button-row">
        <button type="submit" className="btn btn--warning" data-testid="skip-submit" disabled={disabled}>
          {t('ui.skip.submit')}
        </button>
        <button type="button" className="btn btn--ghost" data-testid="skip-cancel" onClick={onCancel}>
          {t('ui.skip.cancel')}
        </button>
      </div>
    </form>
  );
}
