import { useId, useState, type FormEvent } from 'react';
import type { Step } from '../../../electron/shared/plan';
import { sqlCredentialsSchema } from '../../../electron/shared/sql-credentials';
import { useI18n } from '../i18n';
import { useUpgrade } from '../store/react';

/**
 * The CRM connects with Windows authentication, which the SQL driver can't use as the current
 * user: the admin types a SQL login or a domain user. It goes to main's memory, nowhere else.
 */
export function CredentialsForm({ step }: { step: Step }) {
  const { t, tm } = useI18n();
  const id = useId();
  const provide = useUpgrade((s) => s.provideSqlCredentials);
  const pending = useUpgrade((s) => s.pending);
  const [kind, setKind] = useState<'sql' | 'ntlm'>('sql');
  const [domain, setDomain] = useState('');
  const [user, setUser] = useState('');
  const [password, setPassword] = useState('');
  // The admin's on-screen consent to an unvalidated certificate; off unless ticked each time.
  const [allowUnvalidated, setAllowUnvalidated] = useState(false);
  const [invalid, setInvalid] = useState(false);
  const connection = String(step.finding?.params?.connection ?? '');
  // Offered only once a validated connection has failed on the certificate.
  const offerException = step.finding?.key === 'sql.certificate-untrusted';

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const exception = offerException && allowUnvalidated ? { allowUnvalidatedCertificate: true } : {};
    const parsed = sqlCredentialsSchema.safeParse(
      kind === 'sql'
        ? { kind, user, password, ...exception }
        : { kind, domain, user, password, ...exception },
    );
    setInvalid(!parsed.success);
    if (parsed.success) {
      void provide(step.id, connection, parsed.data);
      setPassword('');
      setAllowUnvalidated(false);
    }
  };

  return (
    <form
      className="skip-form"
      data-testid="credentials-form"
      onSubmit={submit}
      noValidate
      autoComplete="off"
    >
      <fieldset>
        <legend>{t('ui.credentials.legend', { connection })}</legend>
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'sql'}
            onChange={() => setKind('sql')}
            data-testid="credentials-kind-sql"
          />{' '}
          {t('ui.credentials.sql')}
        </label>{' '}
        <label>
          <input
            type="radio"
            name={`${id}-kind`}
            checked={kind === 'ntlm'}
            onChange={() => setKind('ntlm')}
            data-testid="credentials-kind-ntlm"
          />{' '}
          {t('ui.credentials.ntlm')}
        </label>
        {kind === 'ntlm' && (
          <label className="skip-form__label">
            {t('ui.credentials.domain')}
            <input
              className="skip-form__input"
              data-testid="credentials-domain"
              value={domain}
              onChange={(e) => setDomain(e.target.value)}
            />
          </label>
        )}
        <label className="skip-form__label">
          {t('ui.credentials.user')}
          <input
            className="skip-form__input"
            data-testid="credentials-user"
            value={user}
            onChange={(e) => setUser(e.target.value)}
          />
        </label>
        <label className="skip-form__label">
          {t('ui.credentials.password')}
          <input
            className="skip-form__input"
            type="password"
            data-testid="credentials-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {offerException && (
          <label>
            <input
              type="checkbox"
              checked={allowUnvalidated}
              onChange={(e) => setAllowUnvalidated(e.target.checked)}
              data-testid="credentials-allow-unvalidated-certificate"
            />{' '}
            {tm({ key: 'input.credentials.allow-unvalidated-certificate' })}
          </label>
        )}
      </fieldset>
      <div className="skip-form__error" aria-live="polite">
        {invalid && <span data-testid="credentials-error">{t('ui.credentials.invalid')}</span>}
      </div>
      <p className="step__remedy">{t('ui.credentials.memoryOnly')}</p>
      <button type="submit" className="btn btn--primary" data-testid="credentials-submit" disabled={pending}>
        {t('ui.credentials.submit')}
      </button>
    </form>
  );
}
