import { renderToStaticMarkup } from 'react-dom/server';
import { I18nextProvider } from 'react-i18next';
import { describe, expect, it } from 'vitest';
import type { Progress, Session } from '../../electron/shared/plan';
import { App } from './App';
import { ProgressBar } from './components/ProgressBar';
import { createI18n, type Language } from './i18n';
import { createUpgradeStore } from './store';
import { UpgradeStoreProvider } from './store/react';
import { FakeBridge, session, standInMessage, step } from './testing/fixtures';

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

/** A stand-in id: what the page offers comes from the step's actions alone. */
const users = step('x.users', {
  title: standInMessage('test.users.title'),
  status: 'failed',
  skippable: true,
  actions: ['retry', 'skip', 'wait-for-users', 'practice-log-off-users'],
  finding: standInMessage('test.users.finding', { count: 2, connection: 'main' }),
  remedy: standInMessage('test.users.remedy'),
  evidence: { users: 2, freeBytes: 12.3 * 1024 * 1024, elevated: true },
});

describe('App', () => {
  it('says it is loading before the session arrives', () => {
    expect(render(null)).toContain('data-testid="loading"');
  });

  it('shows the header facts, the practice badge and the start button when ready', () => {
    const html = render(
      session({
        kit: { versionName: '7.8.5.13100517_x64', practiceKey: true },
        run: { state: 'ready', actions: ['start'] },
      }),
    );
    expect(html).toContain('CRM-APP01');
    expect(html).toContain('7.8.5, build 5 ottobre 2013 ore 17');
    expect(html).toContain('data-testid="practice-badge"');
    expect(html).toContain('data-testid="practice-key-note"');
    expect(html).toContain('data-run-state="ready"');
    expect(html).toMatch(/data-testid="start-run"[^>]*>Avvia aggiornamento</);
    expect(html).not.toContain('data-testid="rollback"');
    expect(html).not.toContain('data-testid="install-path-correct"');
  });

  it('shows no start button when the run does not offer it, though ready', () => {
    const html = render(session({ run: { state: 'ready', actions: [] } }));
    expect(html).toContain('data-run-state="ready"');
    expect(html).not.toContain('data-testid="start-run"');
  });

  it('offers to correct the install path when the run offers it', () => {
    const html = render(session({ run: { state: 'ready', actions: ['start', 'correct-install-path'] } }));
    expect(html).toContain('data-testid="install-path-correct"');
  });

  it('in English, describes the kit in English', () => {
    const html = render(session({ run: { actions: ['start'] } }), 'en');
    expect(html).toContain('7.8.5, build 5 October 2013 at 17:00');
    expect(html).toContain('Start upgrade');
  });

  it('shows a failed step with its finding, remedy, evidence and buttons when paused', () => {
    const html = render(
      session({ run: { state: 'paused', actions: ['rollback'] } }, [
        step('check.elevation', { status: 'passed', durationMs: 1200 }),
        users,
      ]),
    );
    expect(html).toContain('data-step-id="x.users" data-status="failed"');
    expect(html).toContain('data-step-id="check.elevation" data-status="passed"');
    expect(html).toContain('2 utenti connessi a main');
    expect(html).toContain('Chiedi agli utenti di uscire (&quot;Elenco Utenti Connessi&quot;).');
    expect(html).toContain('data-testid="banner-remedy"');
    expect(html).toContain('12,3 MB');
    expect(html).toContain('data-testid="retry-step"');
    expect(html).toContain('Salta con motivo…');
    expect(html).toContain('Disconnetti gli utenti (server di prova)');
    expect(html).toContain('data-testid="wait-for-users"');
    expect(html).toContain('data-testid="rollback"');
    expect(html).not.toContain('data-testid="continue-run"');
    expect(html).not.toContain('data-testid="confirm-step"');
  });

  it('shows only Retry on a failed, skippable step that offers only retry', () => {
    const html = render(
      session({ run: { state: 'paused', actions: [] } }, [{ ...users, actions: ['retry'] }]),
    );
    expect(html).toContain('data-testid="retry-step"');
    expect(html).not.toContain('data-testid="skip-step"');
    expect(html).not.toContain('data-testid="wait-for-users"');
    expect(html).not.toContain('data-testid="practice-actions"');
    expect(html).not.toContain('data-testid="rollback"');
  });

  it('shows no buttons on a failed step that offers none (e.g. while the engine works)', () => {
    const html = render(session({ run: { state: 'paused' } }, [{ ...users, actions: [] }]));
    expect(html).toContain('data-status="failed"');
    expect(html).not.toMatch(/data-testid="(retry-step|skip-step|wait-for-users|practice-actions)"/);
  });

  it('shows practice buttons only from the practice actions the engine offers', () => {
    const html = render(
      session({ mode: 'windows', run: { state: 'paused' } }, [{ ...users, actions: ['retry', 'skip'] }]),
    );
    expect(html).not.toContain('practice-log-off-users');
    expect(html).not.toContain('data-testid="practice-badge"');
    expect(html).toContain('data-testid="skip-step"');
  });

  it('offers Continue on a resumed, paused run', () => {
    const html = render(
      session({ run: { state: 'paused', resumed: true, actions: ['continue'] } }, [
        step('check.elevation', { status: 'passed' }),
      ]),
    );
    expect(html).toMatch(/data-testid="continue-run"[^>]*>Continua</);
  });

  it('offers confirm and the practice "Aggiorna Database" with the step’s connection on a waiting step', () => {
    const html = render(
      session({ run: { state: 'waiting' } }, [
        step('x.db', {
          phase: 'after',
          kind: 'manual',
          status: 'waiting',
          connection: 'crm_main',
          instructions: standInMessage('test.instructions'),
          actions: ['confirm', 'practice-aggiorna-database'],
        }),
      ]),
    );
    expect(html).toContain('data-testid="confirm-step"');
    expect(html).toContain('data-testid="step-instructions"');
    expect(html).not.toContain('data-testid="skip-step"');
    expect(html).toMatch(
      /data-testid="practice-aggiorna-database" data-connection-id="crm_main"[^>]*>Premi «Aggiorna Database» \(server di prova\)</,
    );
  });

  it('offers Skip on the waiting optional "Aggiorna Database" of a second connection', () => {
    const second = step('after.db-update:Formazione', {
      phase: 'after',
      kind: 'manual',
      status: 'waiting',
      optional: true,
      connection: 'Formazione',
      actions: ['confirm', 'skip', 'practice-aggiorna-database'],
    });
    const html = render(session({ run: { state: 'waiting' } }, [second]));
    expect(html).toMatch(/data-testid="skip-step"[^>]*>Salta con motivo…</);
    expect(html).toContain('data-connection-id="Formazione"');
    // Without the practice action, the same step has no practice button.
    const real = render(
      session({ run: { state: 'waiting' } }, [{ ...second, actions: ['confirm', 'skip'] }]),
    );
    expect(real).toContain('data-testid="skip-step"');
    expect(real).not.toContain('data-testid="practice-actions"');
  });

  it('shows the release notes on the step that says it shows them, whatever its id', () => {
    const notes = [{ version: '7.8.5.13100517_x64', lang: 'it' as const, markdown: '- **Novità** qui' }];
    const shown = render(
      session({ releaseNotes: notes }, [step('x.notes', { status: 'waiting', shows: 'release-notes' })]),
    );
    expect(shown).toContain('data-testid="release-notes"');
    expect(shown).toContain('<strong>Novità</strong>');
    const unmarked = render(
      session({ releaseNotes: notes }, [step('check.release-notes', { status: 'waiting' })]),
    );
    expect(unmarked).not.toContain('data-testid="release-notes"');
  });

  it('shows the progress of a running step in the language', () => {
    const progress: Progress = {
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
        run: { state: 'finished' },
        report: { outcome: 'upgraded', jsonPath: 'E:\\reports\\r.json', htmlPath: 'E:\\reports\\r.html' },
      }),
    );
    expect(html).toContain('data-outcome="upgraded"');
    expect(html).toContain('E:\\reports\\r.json');
    expect(html).toContain('Server aggiornato');
  });
});
