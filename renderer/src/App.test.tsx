import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Session } from '../../electron/shared/plan';
import { App } from './App';
import { ProgressBar } from './components/ProgressBar';
import { createI18n, type Language } from './i18n';
import { createUpgradeStore } from './store';
import { UpgradeStoreProvider } from './store/react';
import { FakeBridge, session, step } from './testing/fixtures';

/** Server-side rendering in node: enough to see what the page says, without a DOM. */
function render(s: Session | null, language: Language = 'it'): string {
  const store = createUpgradeStore(new FakeBridge(), { session: s, load: false, language });
  const i18n = createI18n(language);
  i18n.addResources('it', 'engine', {
    'test.users.title': 'Utenti connessi',
    'test.users.finding': '{{count}} utenti connessi a {{connection}}',
    'test.users.remedy': 'Chiedi agli utenti di uscire ("Elenco Utenti Connessi").',
  });
  return renderToStaticMarkup(
    <I18nextProvider i18n={i18n}>
      <UpgradeStoreProvider store={store}>
        <App />
      </UpgradeStoreProvider>
    </I18nextProvider>,
  );
}

const users = step('check.connected-users', {
  title: { key: 'test.users.title' },
  status: 'failed',
  skippable: true,
  finding: { key: 'test.users.finding', params: { count: 2, connection: 'main' } },
  remedy: { key: 'test.users.remedy' },
  evidence: { users: 2, freeBytes: 12.3 * 1024 * 1024, elevated: true },
});

describe('App', () => {
  it('says it is loading before the session arrives', () => {
    expect(render(null)).toContain('data-testid="loading"');
  });

  it('shows the header facts, the practice badge and the start button when ready', () => {
    const html = render(session({ kit: { versionName: '7.8.5.13100517_x64', practiceKey: true } }));
    expect(html).toContain('CRM-APP01');
    expect(html).toContain('7.8.5, build 5 ottobre 2013 ore 17');
    expect(html).toContain('data-testid="practice-badge"');
    expect(html).toContain('data-testid="practice-key-note"');
    expect(html).toContain('data-run-state="ready"');
    expect(html).toMatch(/data-testid="start-run"[^>]*>Avvia aggiornamento</);
    expect(html).not.toContain('data-testid="rollback"');
  });

  it('in English, describes the kit in English', () => {
    const html = render(session(), 'en');
    expect(html).toContain('7.8.5, build 5 October 2013 at 17:00');
    expect(html).toContain('Start upgrade');
  });

  it('shows a failed step with its finding, remedy, evidence and buttons when paused', () => {
    const html = render(
      session({ run: { id: 'r', state: 'paused', resumed: false }, canRollback: true }, [
        step('check.elevation', { status: 'passed', durationMs: 1200 }),
        users,
      ]),
    );
    expect(html).toContain('data-step-id="check.connected-users" data-status="failed"');
    expect(html).toContain('data-step-id="check.elevation" data-status="passed"');
    expect(html).toContain('2 utenti connessi a main');
    expect(html).toContain('Chiedi agli utenti di uscire (&quot;Elenco Utenti Connessi&quot;).');
    expect(html).toContain('data-testid="banner-remedy"');
    expect(html).toContain('12,3 MB');
    expect(html).toContain('data-testid="retry-step"');
    expect(html).toContain('Salta con motivo…');
    expect(html).toContain('Disconnetti gli utenti (server di prova)');
    expect(html).toContain('data-testid="rollback"');
    expect(html).not.toContain('data-testid="continue-run"');
  });

  it('shows no practice buttons on a real server', () => {
    const html = render(
      session({ mode: 'windows', run: { id: 'r', state: 'paused', resumed: false } }, [users]),
    );
    expect(html).not.toContain('practice-log-off-users');
    expect(html).not.toContain('data-testid="practice-badge"');
  });

  it('offers Continue on a resumed, paused run', () => {
    const html = render(
      session({ run: { id: 'r', state: 'paused', resumed: true } }, [
        step('check.elevation', { status: 'passed' }),
      ]),
    );
    expect(html).toMatch(/data-testid="continue-run"[^>]*>Continua</);
  });

  it('offers confirm and the practice "Aggiorna Database" on a waiting db-update step', () => {
    const html = render(
      session({ run: { id: 'r', state: 'waiting', resumed: false } }, [
        step('after.db-update:crm_main', {
          phase: 'after',
          kind: 'manual',
          status: 'waiting',
          instructions: { key: 'test.instructions' },
        }),
      ]),
    );
    expect(html).toContain('data-testid="confirm-step"');
    expect(html).toContain('data-testid="step-instructions"');
    expect(html).toMatch(
      /data-testid="practice-aggiorna-database" data-connection-id="crm_main"[^>]*>Premi «Aggiorna Database» \(server di prova\)</,
    );
  });

  it('shows the progress of a running step in the language', () => {
    const progress = {
      stepId: 'backup.db:main',
      percent: 30.75,
      bytesDone: 12.3 * 1024 * 1024,
      bytesTotal: 40 * 1024 * 1024,
      elapsedMs: 65_000,
      etaMs: 150_000,
    };
    const bar = (language: Language) =>
      renderToStaticMarkup(
        <I18nextProvider i18n={createI18n(language)}>
          <ProgressBar progress={progress} label="Backup" />
        </I18nextProvider>,
      );
    const italian = bar('it');
    expect(italian).toContain('aria-valuenow="31"');
    expect(italian).toContain('12,3 MB di 40,0 MB');
    expect(italian).toContain('Trascorso 1 min 05 s');
    expect(italian).toContain('Mancano circa 2 min 30 s');
    expect(bar('en')).toContain('12.3 MB of 40.0 MB');
  });

  it('shows the report paths when the report exists', () => {
    const html = render(
      session({
        run: { id: 'r', state: 'finished', resumed: false },
        report: { outcome: 'upgraded', jsonPath: 'E:\\reports\\r.json', htmlPath: 'E:\\reports\\r.html' },
      }),
    );
    expect(html).toContain('data-outcome="upgraded"');
    expect(html).toContain('E:\\reports\\r.json');
    expect(html).toContain('Server aggiornato');
  });
});
