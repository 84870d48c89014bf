import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorAlert } from './components/ErrorAlert';
import { FarmView } from './components/FarmView';
import { Header } from './components/Header';
import { LogPanel } from './components/LogPanel';
import { Plan } from './components/Plan';
import { ReportPanel } from './components/ReportPanel';
import { RunBanner } from './components/RunBanner';
import { useUpgrade } from './store/react';

/** The page: who and what at the top, the farm and where the run stands, the plan, the log. */
export function App() {
  const { t, i18n } = useTranslation('ui');
  const session = useUpgrade((s) => s.session);
  const language = useUpgrade((s) => s.language);

  // The store holds the chosen language; i18next and <html lang> follow it.
  useEffect(() => {
    if (i18n.language !== language) void i18n.changeLanguage(language);
    if (typeof document !== 'undefined') document.documentElement.lang = language;
  }, [i18n, language]);

  return (
    <div className="app" data-testid="app" data-mode={session?.mode} data-language={language}>
      <Header session={session} />
      <main className="app-main">
        <ErrorAlert />
        {session === null ? (
          <p className="loading" data-testid="loading">
            {t('ui.app.loading')}
          </p>
        ) : (
          <>
            {/* Before the run banner: on which server the next step is comes before what to do here. */}
            <FarmView session={session} />
            <RunBanner session={session} />
            {session.report && <ReportPanel report={session.report} />}
            <Plan session={session} />
            <LogPanel />
          </>
        )}
      </main>
    </div>
  );
}
