import type { FormEvent, ReactElement } from 'react';
import { describe, expect, it, vi } from 'vitest';
import type { FarmStatus } from '../../../electron/shared/farm';
import { msg } from '../../../electron/shared/message';
import type { RunState, Session } from '../../../electron/shared/plan';
import { App } from '../App';
import { uiCatalog, type Language } from '../i18n';
import { RUN_STATES, STEP_STATUSES } from '../logic/steps';
import { serversToAdd } from '../logic/farm';
import { createUpgradeStore } from '../store';
import { FakeBridge, farmServer, farmStatus, session } from '../testing/fixtures';
import { renderCapturing } from '../testing/render';
import { FarmAddForm, FarmAddServers, FarmView } from './FarmView';

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

// 21:04 on this machine's clock, whatever its time zone.
const UPDATED = new Date(2026, 10, 27, 21, 4, 30).toISOString();
const OLD = '7.8.3.13010210_x64';
const NEW = '7.8.5.13100517_x64';

/** A farm of three mid-upgrade: this server waits for "Aggiorna Database", CRM-APP02 is still open. */
function midUpgrade(): FarmStatus {
  return farmStatus({
    servers: [
      farmServer('CRM-APP01', {
        sources: ['this', 'ledger'],
        isThis: true,
        codeVersion: NEW,
        lockout: 'on',
        pools: 'started',
        runState: 'waiting',
        step: { id: 'after.db-update:main', status: 'waiting' },
        updatedAt: UPDATED,
      }),
      farmServer('CRM-APP02', { sources: ['sessions'], codeVersion: OLD, lockout: 'off', pools: 'started' }),
      farmServer('CRM-APP03', {
        codeVersion: OLD,
        lockout: 'on',
        pools: 'stopped',
        runState: 'running',
        step: { id: 'upgrade.setup', status: 'running' },
        updatedAt: UPDATED,
      }),
    ],
    connections: [
      {
        connection: 'main',
        database: 'CRM_Main',
        version: OLD,
        seenAt: UPDATED,
        backedUpBy: 'CRM-APP01',
        updatedBy: null,
        restoredBy: null,
      },
    ],
    next: { server: 'CRM-APP02', message: msg('step.backup.lockout-on.title') },
  });
}

function setup(farm: FarmStatus, state: RunState = 'waiting') {
  const s: Session = session({ run: { state } });
  const bridge = new FakeBridge(s);
  bridge.farm = farm;
  // React reads a store's initial state when it renders on the server, as these tests do.
  const store = createUpgradeStore(bridge, { session: s, farm, load: false });
  return { bridge, store, session: s };
}

function render(farm: FarmStatus, language: Language = 'it', state: RunState = 'waiting') {
  const { store, session: s } = setup(farm, state);
  return renderCapturing(FarmView, { session: s }, store, language).html;
}

/** The markup of one server's row (up to the next row or the end of the table). */
function row(html: string, hostname: string): string {
  const start = html.indexOf(`data-hostname="${hostname}"`);
  expect(start, hostname).toBeGreaterThan(-1);
  const end = html.indexOf('</tr>', start);
  return html.slice(start, end);
}

describe('FarmView', () => {
  it("shows a three-server farm mid-upgrade: each server's version and lockout, and the next step with its server", () => {
    const html = render(midUpgrade());

    // A landmark named by its heading.
    const labelledBy = /<section[^>]*aria-labelledby="([^"]+)"[^>]*data-testid="farm-view"/.exec(html)?.[1];
    expect(labelledBy).toBeDefined();
    expect(html).toContain(`<h2 class="farm__title" id="${labelledBy}">Server della farm</h2>`);
    expect(html).toContain('data-expanded="true"');

    expect(row(html, 'CRM-APP01')).toContain(NEW);
    expect(row(html, 'CRM-APP01')).toContain('Utenti bloccati');
    expect(row(html, 'CRM-APP01')).toContain('questo server');
    expect(row(html, 'CRM-APP01')).toContain('«Aggiorna Database» per la connessione main');
    expect(row(html, 'CRM-APP01')).toContain('27/11/26, 21:04');
    expect(row(html, 'CRM-APP02')).toContain(OLD);
    expect(row(html, 'CRM-APP02')).toContain('Aperto');
    expect(row(html, 'CRM-APP02')).toContain('Non ancora eseguito');
    expect(row(html, 'CRM-APP02')).toContain('noto da: sessioni SQL sui database');
    expect(row(html, 'CRM-APP02')).not.toContain('questo server');
    expect(row(html, 'CRM-APP03')).toContain('Utenti bloccati');
    expect(row(html, 'CRM-APP03')).toContain('Fermo');
    expect(row(html, 'CRM-APP03')).toContain('Setup di aggiornamento del CRM');
    expect(row(html, 'CRM-APP03')).toContain('In corso');

    // Headers tied to their cells.
    expect(html.match(/<th scope="col">/g)?.length).toBe(13);
    expect(html.match(/<th scope="row">/g)?.length).toBe(4);
    expect(html).toContain('<th scope="col">Versione del codice</th>');

    // The databases, and who did what on them.
    expect(html).toMatch(/data-connection="main"[\s\S]*CRM_Main[\s\S]*7\.8\.3\.13010210_x64/);
    expect(html).toMatch(/data-testid="farm-connection-backed-up-by">CRM-APP01</);
    expect(html).toMatch(/data-testid="farm-connection-updated-by"><span class="muted">non ancora</);
    expect(html).toContain('«Aggiorna Database» fatto da');

    // The next step, announced politely, on the server it belongs to.
    expect(html).toMatch(
      /aria-live="polite"[^>]*data-testid="farm-next-region"><p class="farm__next" data-testid="farm-next" data-server="CRM-APP02">Prossimo passo: Utenti esclusi: il CRM risponde solo da questo server</,
    );
    expect(html).not.toContain('data-testid="farm-complete"');
    expect(html).not.toContain('data-testid="farm-rollback"');
    // Waiting for the admin: the list may be completed.
    expect(html).toContain('data-testid="farm-add-form"');
  });

  it('says so when the next step is on this server', () => {
    const farm = { ...midUpgrade(), next: { server: 'CRM-APP01', message: msg('step.upgrade.setup.title') } };
    expect(render(farm)).toContain(
      'Prossimo passo (questo server, CRM-APP01): Setup di aggiornamento del CRM',
    );
  });

  it('in English', () => {
    const html = render(midUpgrade(), 'en');
    expect(html).toMatch(/<h2 class="farm__title" id="[^"]+">Farm<\/h2>/);
    expect(row(html, 'CRM-APP01')).toContain('Users locked out');
    expect(row(html, 'CRM-APP01')).toContain('this server');
    expect(row(html, 'CRM-APP01')).toContain('27/11/2026, 21:04');
    expect(row(html, 'CRM-APP02')).toContain('Open');
    expect(row(html, 'CRM-APP03')).toContain('CRM upgrade setup');
    expect(html).toContain('<th scope="col">Code version</th>');
    expect(html).toContain('Next step: Users locked out: the CRM answers only on this server');
    expect(html).toContain('Add servers');
    expect(html).not.toContain('Prossimo passo');
  });

  it('marks the servers a farm rollback still has to roll back', () => {
    const farm = farmStatus({
      rollback: true,
      servers: [
        farmServer('CRM-APP01', { isThis: true, codeVersion: OLD, runState: 'rolled-back', lockout: 'off' }),
        farmServer('CRM-APP02', { codeVersion: NEW, lockout: 'on', mustRollBack: true }),
        farmServer('CRM-APP03', { codeVersion: NEW, lockout: 'on', mustRollBack: true }),
      ],
      next: { server: 'CRM-APP02', message: msg('step.upgrade.setup.title') },
    });
    const html = render(farm, 'it', 'rolled-back');
    expect(row(html, 'CRM-APP01')).not.toContain('da ripristinare');
    expect(row(html, 'CRM-APP02')).toContain('data-testid="farm-must-roll-back">da ripristinare<');
    expect(row(html, 'CRM-APP03')).toContain('data-testid="farm-must-roll-back">da ripristinare<');
    expect(html).toMatch(/data-testid="farm-rollback" role="note">[^]*Ripristino della farm\./);
    expect(html).toContain(`I database sono tornati alla versione ${OLD}`);
    expect(html).toContain('Ancora da ripristinare: CRM-APP02, CRM-APP03.');
    expect(html).toContain('data-rollback="true"');
    // After a rollback the list is not for completing.
    expect(html).not.toContain('data-testid="farm-add-form"');
    expect(render(farm, 'en', 'rolled-back')).toContain('data-testid="farm-must-roll-back">to roll back<');
  });

  it('says when the whole farm is done, instead of a next step', () => {
    const done = (hostname: string, isThis = false) =>
      farmServer(hostname, {
        isThis,
        codeVersion: NEW,
        lockout: 'off',
        pools: 'started',
        runState: 'finished',
      });
    const farm = farmStatus({
      complete: true,
      servers: [done('CRM-APP01', true), done('CRM-APP02'), done('CRM-APP03')],
    });
    const html = render(farm, 'it', 'finished');
    expect(html).toMatch(
      /data-testid="farm-complete"><strong>Farm completata<\/strong> ogni server è alla versione 7\.8\.5\.13100517_x64 e aperto agli utenti/,
    );
    expect(html).not.toContain('data-testid="farm-next"');
    expect(html).toContain('data-complete="true"');
    expect(html).not.toContain('data-testid="farm-add-form"');
    expect(render(farm, 'en', 'finished')).toContain('<strong>Farm complete</strong>');
  });

  it('is one line for a farm of one server with nothing to say, and whole as soon as there is', () => {
    const quiet = render(farmStatus(), 'it', 'ready');
    expect(quiet).toContain('data-expanded="false"');
    expect(quiet).toContain(
      'Server: CRM-APP01 (questo server) · dalla 7.8.3.13010210_x64 alla 7.8.5.13100517_x64',
    );
    expect(quiet).not.toContain('data-testid="farm-servers"');
    expect(quiet).not.toContain('data-testid="farm-next"');
    expect(quiet).toMatch(/aria-expanded="false"[^>]*>Mostra i dettagli e aggiungi server</);

    const problem = msg('backup.files.unreadable', { path: 'X:\\kit\\farm\\CRM-APP02.json', code: 'EACCES' });
    const html = render(farmStatus({ problems: [problem] }), 'it', 'ready');
    expect(html).toContain('data-expanded="true"');
    const problems = html.slice(html.indexOf('data-testid="farm-problems"'));
    expect(problems).toContain('Problemi rilevati');
    expect(problems).toContain('Il file X:\\kit\\farm\\CRM-APP02.json non si può leggere (EACCES).');
    // Its remedy, where the catalogue has one.
    expect(problems).toContain('chiudi chi lo usa e premi Riprova');
  });

  it('offers to complete the list only while the run is ready or waiting', () => {
    expect(render(midUpgrade(), 'it', 'ready')).toContain('data-testid="farm-add-form"');
    for (const state of ['running', 'paused', 'finished'] as const) {
      expect(render(midUpgrade(), 'it', state), state).not.toContain('data-testid="farm-add-form"');
    }
  });

  it('shows nothing before the farm is read', () => {
    const s = session();
    const store = createUpgradeStore(new FakeBridge(s), { session: s, load: false });
    expect(renderCapturing(FarmView, { session: s }, store).html).toBe('');
  });

  it('stands in the page below the header and above the plan', () => {
    const { store } = setup(midUpgrade());
    const html = renderCapturing(App, {}, store).html;
    const farm = html.indexOf('data-testid="farm-view"');
    expect(farm).toBeGreaterThan(html.indexOf('data-testid="header"'));
    expect(farm).toBeLessThan(html.indexOf('data-testid="plan"'));
  });
});

describe('completing the list of servers', () => {
  const KNOWN = ['CRM-APP01', 'CRM-APP02'];

  /** What the browser hands the form's onSubmit: the form, with the input named "servers". */
  function submitted(value: string) {
    const reset = vi.fn();
    const preventDefault = vi.fn();
    const form = {
      elements: { namedItem: (name: string) => (name === 'servers' ? { value } : null) },
      reset,
    };
    return {
      event: { preventDefault, currentTarget: form } as unknown as FormEvent<HTMLFormElement>,
      reset,
      preventDefault,
    };
  }

  async function submit(value: string) {
    const { bridge, store } = setup(midUpgrade());
    const { tree } = renderCapturing(FarmAddServers, { known: KNOWN }, store);
    const form = tree as ReactElement<{ onSubmit: (event: FormEvent<HTMLFormElement>) => void }>;
    const sent = submitted(value);
    form.props.onSubmit(sent.event);
    await flush();
    return { bridge, ...sent, sets: bridge.calls.filter((c) => c.name === 'setFarmServers') };
  }

  it('refuses a name that is no Windows computer name: the error is shown, nothing is sent', async () => {
    const { sets, preventDefault, reset } = await submit('CRM-APP03 crm-app04.example.local');
    expect(preventDefault).toHaveBeenCalled();
    expect(sets).toEqual([]);
    expect(reset).not.toHaveBeenCalled();

    const found = serversToAdd('CRM-APP03 crm-app04.example.local', KNOWN);
    expect(found).toEqual({
      problem: { key: 'ui.farm.add.badName', params: { name: 'crm-app04.example.local' } },
    });
    const problem = 'problem' in found ? found.problem : null;
    const { store } = setup(midUpgrade());
    const props = { problem, pending: false, working: false, onSubmit: () => {} };
    const italian = renderCapturing(FarmAddForm, props, store).html;
    expect(italian).toContain('«crm-app04.example.local» non è un nome di computer Windows');
    expect(italian).toMatch(/aria-invalid="true" aria-describedby="[^" ]+-hint [^" ]+-error"/);
    expect(italian).toMatch(/<label for="([^"]+)-names"[^>]*>Altri server applicativi della farm<\/label>/);
    expect(renderCapturing(FarmAddForm, props, store, 'en').html).toContain(
      '“crm-app04.example.local” is not a Windows computer name',
    );
  });

  it('refuses an empty field, a name too long, and names already in the list', async () => {
    expect((await submit('  , ')).sets).toEqual([]);
    expect(serversToAdd('  , ', KNOWN)).toEqual({ problem: { key: 'ui.farm.add.empty' } });
    expect(serversToAdd('CRM-APPLICATION-02', KNOWN)).toMatchObject({
      problem: { key: 'ui.farm.add.badName' },
    });
    expect((await submit('crm-app02')).sets).toEqual([]);
    expect(serversToAdd('crm-app02', KNOWN)).toEqual({
      problem: { key: 'ui.farm.add.known', params: { names: 'crm-app02' } },
    });
    const many = Array.from({ length: 31 }, (_, i) => `APP${i}`).join(' ');
    expect(serversToAdd(many, KNOWN)).toEqual({
      problem: { key: 'ui.farm.add.tooMany', params: { max: 32 } },
    });
  });

  it('sends the servers known plus the new ones, each once, and empties the field', async () => {
    const { sets, reset } = await submit(' crm-app03, CRM-APP02 ;CRM-APP04\tcrm-app04 ');
    expect(sets).toEqual([
      { name: 'setFarmServers', args: [['CRM-APP01', 'CRM-APP02', 'crm-app03', 'CRM-APP04']] },
    ]);
    expect(reset).toHaveBeenCalled();
  });

  it('keeps what was typed when the engine refuses the list', async () => {
    const { bridge, store } = setup(midUpgrade());
    bridge.acks.setFarmServers = { ok: false, error: msg('engine.gate.closed', { steps: 'check.users' }) };
    const { tree } = renderCapturing(FarmAddServers, { known: KNOWN }, store);
    const sent = submitted('CRM-APP03');
    (tree as ReactElement<{ onSubmit: (event: FormEvent<HTMLFormElement>) => void }>).props.onSubmit(
      sent.event,
    );
    await flush();
    expect(bridge.calls.filter((c) => c.name === 'setFarmServers')).toHaveLength(1);
    expect(sent.reset).not.toHaveBeenCalled();
    expect(store.getState().error?.key).toBe('engine.gate.closed');
  });
});

describe('the farm view’s words', () => {
  it('exist in both languages for every state, status and source the view builds a key from', () => {
    const built = [
      ...['on', 'off', 'unknown'].map((v) => `ui.farm.lockout.${v}`),
      ...['started', 'stopped', 'unknown'].map((v) => `ui.farm.pools.${v}`),
      ...RUN_STATES.map((s) => `ui.farm.run.${s}`),
      ...['this', 'ledger', 'list', 'profile', 'sessions'].map((s) => `ui.farm.source.${s}`),
      ...STEP_STATUSES.map((s) => `ui.status.${s}`),
    ];
    expect(built.filter((k) => !(k in uiCatalog.it) || !(k in uiCatalog.en))).toEqual([]);
  });

  it("keep the CRM's own labels and the brief's words verbatim", () => {
    expect(uiCatalog.it['ui.farm.lockout.on']).toBe('Utenti bloccati');
    expect(uiCatalog.it['ui.farm.lockout.off']).toBe('Aperto');
    expect(uiCatalog.it['ui.farm.add.submit']).toBe('Aggiungi server');
    expect(uiCatalog.it['ui.farm.complete.title']).toBe('Farm completata');
    expect(uiCatalog.it['ui.farm.connections.updatedBy']).toContain('«Aggiorna Database»');
    expect(uiCatalog.en['ui.farm.connections.updatedBy']).toContain('«Aggiorna Database»');
  });
});
