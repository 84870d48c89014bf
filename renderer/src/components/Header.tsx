import { useEffect, useState } from 'react';
import type { Session } from '../../../electron/shared/plan';
import { lockoutMessage } from '../../../electron/shared/time-text';
import { useI18n } from '../i18n';
import { describeVersionText } from '../logic/version';
import { useUpgrade } from '../store/react';
import { LanguageToggle } from './LanguageToggle';

/** The procedure's "Info Server → [Path:]": before the run starts, the admin may correct the folder. */
function CorrectPathButton() {
  const { t } = useI18n();
  const correct = useUpgrade((s) => s.correctInstallPath);
  const pending = useUpgrade((s) => s.pending);
  return (
    <button
      type="button"
      className="btn btn--ghost btn--small"
      data-testid="install-path-correct"
      disabled={pending}
      onClick={() => void correct()}
    >
      {t('ui.header.correctPath')}
    </button>
  );
}

/** Issue 11: since when users are locked out, and for how long (updated every 15 s). */
export function LockoutFact({ since, now }: { since: string; now?: () => number }) {
  const { t, tm, language } = useI18n();
  const clock = now ?? Date.now;
  const [at, setAt] = useState(clock);
  useEffect(() => {
    const timer = setInterval(() => setAt(clock()), 15_000);
    return () => clearInterval(timer);
  }, [clock]);
  return (
    <p
      className="app-header__note app-header__lockout"
      data-testid="lockout"
      data-since={since}
      role="status"
      title={t('ui.header.lockoutHint')}
    >
      {tm(lockoutMessage(since, at, language))}
    </p>
  );
}

/** Which server, which versions, which mode: what the admin must be sure of before anything else. */
export function Header({ session }: { session: Session | null }) {
  const { t, language } = useI18n();
  return (
    <header className="app-header" data-testid="header">
      <div className="app-header__brand">
        <span className="app-header__name">{t('ui.app.name')}</span>
        <span className="app-header__subtitle">{t('ui.app.subtitle')}</span>
      </div>
      {session && (
        <dl className="app-header__facts">
          <div className="fact">
            <dt>{t('ui.header.server')}</dt>
            <dd data-testid="server-hostname">{session.server.hostname}</dd>
          </div>
          <div className="fact">
            <dt>{t('ui.header.installed')}</dt>
            <dd data-testid="installed-version">
              {session.server.installedVersion === null ? (
                <span className="muted">{t('ui.header.installedUnknown')}</span>
              ) : (
                describeVersionText(session.server.installedVersion, language)
              )}
            </dd>
          </div>
          <div className="fact">
            <dt>{t('ui.header.kit')}</dt>
            <dd data-testid="kit-version" title={session.kit.versionName}>
              {describeVersionText(session.kit.versionName, language)}
            </dd>
          </div>
          {session.server.installPath !== null && (
            <div className="fact fact--path">
              <dt>{t('ui.header.installPath')}</dt>
              <dd data-testid="install-path" className="mono">
                {session.server.installPath}
              </dd>
              {session.run.actions.includes('correct-install-path') && <CorrectPathButton />}
            </div>
          )}
        </dl>
      )}
      <div className="app-header__side">
        {session?.mode === 'practice' && (
          <span
            className="badge badge--practice"
            data-testid="practice-badge"
            title={t('ui.header.practiceBadgeHint')}
          >
            {t('ui.header.practiceBadge')}
          </span>
        )}
        <LanguageToggle />
      </div>
      {session?.run.lockout && <LockoutFact since={session.run.lockout.since} />}
      {session?.kit.practiceKey && (
        <p className="app-header__note" data-testid="practice-key-note" role="note">
          {t('ui.header.practiceKey')}
        </p>
      )}
    </header>
  );
}
