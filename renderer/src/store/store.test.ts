import { describe, expect, it } from 'vitest';
import type { LogEntry, StepId } from '../../../electron/shared/plan';
import { msg } from '../../../electron/shared/message';
import { FakeBridge, farmServer, farmStatus, session, standInMessage, step } from '../testing/fixtures';
import { LOG_LIMIT, createUpgradeStore } from './index';

/** Stand-in step ids: the store passes ids through, whatever they are. */
const APP = 'backup.app' as StepId;

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

/** What the store asked the engine to do: the calls that only read are left out. */
const intents = (bridge: FakeBridge) =>
  bridge.calls.filter((c) => c.name !== 'getSession' && c.name !== 'getFarmStatus');
const farmReads = (bridge: FakeBridge) => bridge.calls.filter((c) => c.name === 'getFarmStatus').length;

function logEntry(i: number): LogEntry {
  return {
    at: new Date(Date.UTC(2025, 0, 1, 10, 0, i % 60)).toISOString(),
    level: 'info',
    message: standInMessage('log.x', { i }),
  };
}

describe('createUpgradeStore', () => {
  it('loads the session from the bridge and subscribes to the three events', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    expect(store.getState().session).toBeNull();
    expect(store.getState().language).toBe('it');
    await flush();
    expect(store.getState().session?.server.hostname).toBe('CRM-APP01');
    expect([...bridge.listeners.keys()].sort()).toEqual(['log', 'progress', 'session']);
    expect(bridge.listenerCount()).toBe(3);
  });

  it("replaces the session on 'session' events", async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    bridge.emit('session', session({ run: { id: 'run-1', state: 'running', resumed: false } }));
    expect(store.getState().session?.run.state).toBe('running');
  });

  it('does not let an older getSession() answer overwrite a newer event', async () => {
    const bridge = new FakeBridge(session({ run: { id: 'old', state: 'ready', resumed: false } }));
    const store = createUpgradeStore(bridge);
    bridge.emit('session', session({ run: { id: 'new', state: 'running', resumed: false } }));
    await flush();
    expect(store.getState().session?.run.id).toBe('new');
  });

  it('keeps the latest progress per step and drops it once the step has finished', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    bridge.emit('progress', { stepId: 'backup.db:main', percent: 10, elapsedMs: 1000 });
    bridge.emit('progress', {
      stepId: 'backup.db:main',
      percent: 40,
      elapsedMs: 4000,
      bytesDone: 4,
      bytesTotal: 10,
    });
    bridge.emit('progress', { stepId: APP, percent: 5, elapsedMs: 200 });
    expect(store.getState().progress['backup.db:main']?.percent).toBe(40);
    expect(store.getState().progress[APP]?.percent).toBe(5);

    bridge.emit(
      'session',
      session({}, [
        step('backup.db:main', { phase: 'backup', status: 'passed' }),
        step(APP, { phase: 'backup', status: 'running' }),
      ]),
    );
    expect(store.getState().progress['backup.db:main']).toBeUndefined();
    expect(store.getState().progress[APP]?.percent).toBe(5);
  });

  it(`appends log entries and keeps only the last ${LOG_LIMIT}`, async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    bridge.emit('log', logEntry(0));
    expect(store.getState().log).toHaveLength(1);
    for (let i = 1; i < LOG_LIMIT + 25; i++) bridge.emit('log', logEntry(i));
    const log = store.getState().log;
    expect(log).toHaveLength(LOG_LIMIT);
    expect(log[0]?.message.params?.i).toBe(25);
    expect(log[LOG_LIMIT - 1]?.message.params?.i).toBe(LOG_LIMIT + 24);
  });

  it('calls the bridge for each intent with the right arguments', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    const s = store.getState();
    expect(await s.startRun()).toBe(true);
    expect(await s.confirmStep('after.db-update:main')).toBe(true);
    expect(await s.skipStep('after.add-functions', '  not today, thanks  ')).toBe(true);
    expect(await s.retryStep('check.users')).toBe(true);
    expect(await s.waitForUsers('check.users')).toBe(true);
    expect(await s.stopWaitingForUsers('check.users')).toBe(true);
    expect(await s.rollback()).toBe(true);
    expect(await s.practiceLogOffUsers()).toBe(true);
    expect(await s.practicePressAggiornaDatabase('main')).toBe(true);
    expect(intents(bridge)).toEqual([
      { name: 'startRun', args: [] },
      { name: 'confirmStep', args: ['after.db-update:main'] },
      { name: 'skipStep', args: ['after.add-functions', 'not today, thanks'] },
      { name: 'retryStep', args: ['check.users'] },
      { name: 'waitForUsers', args: ['check.users'] },
      { name: 'stopWaitingForUsers', args: ['check.users'] },
      { name: 'rollback', args: [] },
      { name: 'practiceLogOffUsers', args: [] },
      { name: 'practicePressAggiornaDatabase', args: ['main'] },
    ]);
    expect(store.getState().error).toBeNull();
    expect(store.getState().pending).toBe(false);
  });

  it('keeps the error Message of a failed Ack, and clears it on dismiss or on the next action', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    const error = msg('engine.gate.closed', { steps: 'check.users' });
    bridge.acks.startRun = { ok: false, error };
    expect(await store.getState().startRun()).toBe(false);
    expect(store.getState().error).toEqual(error);
    expect(store.getState().pending).toBe(false);

    store.getState().dismissError();
    expect(store.getState().error).toBeNull();

    expect(await store.getState().startRun()).toBe(false);
    expect(store.getState().error).toEqual(error);
    bridge.acks.startRun = { ok: true };
    expect(await store.getState().startRun()).toBe(true);
    expect(store.getState().error).toBeNull();
  });

  it('turns a rejected call into a ui.error.call Message with the detail', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    bridge.acks.retryStep = new Error('invalid arguments');
    expect(await store.getState().retryStep('check.users')).toBe(false);
    expect(store.getState().error).toEqual({ key: 'ui.error.call', params: { detail: 'invalid arguments' } });
  });

  it('sets the pending flag while a call is on its way and refuses a second one meanwhile', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    let release: (ack: { ok: true }) => void = () => {};
    bridge.startRun = () => new Promise((resolve) => (release = resolve));
    const first = store.getState().startRun();
    expect(store.getState().pending).toBe(true);
    expect(store.getState().pendingAction).toEqual({ name: 'startRun' });
    expect(await store.getState().retryStep('x' as StepId)).toBe(false);
    release({ ok: true });
    expect(await first).toBe(true);
    expect(store.getState().pending).toBe(false);
    expect(store.getState().pendingAction).toBeNull();
    expect(bridge.calls.some((c) => c.name === 'retryStep')).toBe(false);
  });

  it('sets the language', () => {
    const store = createUpgradeStore(new FakeBridge(), { load: false });
    store.getState().setLanguage('en');
    expect(store.getState().language).toBe('en');
  });

  it('unsubscribes from every event on dispose, and ignores events afterwards', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    store.dispose();
    expect(bridge.listenerCount()).toBe(0);
    bridge.emit('log', logEntry(1));
    bridge.emit('session', session({ run: { id: 'run-1', state: 'finished', resumed: false } }));
    expect(store.getState().log).toHaveLength(0);
    expect(store.getState().session?.run.state).toBe('ready');
    store.dispose();
  });

  it('keeps a getSession() failure as an error Message', async () => {
    const bridge = new FakeBridge();
    bridge.getSession = () => Promise.reject(new Error('no session'));
    const store = createUpgradeStore(bridge);
    await flush();
    expect(store.getState().error).toEqual({ key: 'ui.error.session', params: { detail: 'no session' } });
  });
});

describe('SQL credentials', () => {
  it('hands them to main, then retries the step that needed them', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    const ok = await store
      .getState()
      .provideSqlCredentials('check.sql-permissions:Produzione', 'Produzione', {
        kind: 'sql',
        user: 'sa',
        password: 'x',
      });
    expect(ok).toBe(true);
    expect(intents(bridge).slice(-2)).toEqual([
      { name: 'provideSqlCredentials', args: ['Produzione', { kind: 'sql', user: 'sa', password: 'x' }] },
      { name: 'retryStep', args: ['check.sql-permissions:Produzione'] },
    ]);
    store.dispose();
  });
});

describe('the farm (issue 15)', () => {
  const running = (stepStatus: 'running' | 'passed') =>
    session({ run: { state: 'running' } }, [
      step('check.users', { status: 'passed' }),
      step('backup.files', { phase: 'backup', status: stepStatus }),
    ]);

  it('a users check re-run every few hundred milliseconds, failing each time, reads the farm no more', async () => {
    const users = (status: 'running' | 'failed') =>
      session({ run: { state: status === 'running' ? 'running' : 'paused' } }, [
        step('check.users', { status }),
      ]);
    const bridge = new FakeBridge(users('failed'));
    const store = createUpgradeStore(bridge);
    await flush();
    expect(farmReads(bridge)).toBe(1);
    for (let i = 0; i < 5; i++) {
      bridge.emit('session', users('running'));
      bridge.emit('session', users('failed'));
    }
    await flush();
    expect(farmReads(bridge)).toBe(1);
    bridge.emit(
      'session',
      session({ run: { state: 'running' } }, [step('check.users', { status: 'passed' })]),
    );
    await flush();
    expect(farmReads(bridge)).toBe(2);
    store.dispose();
  });

  it('reads the farm once at load', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    expect(store.getState().farm).toBeNull();
    await flush();
    expect(farmReads(bridge)).toBe(1);
    expect(store.getState().farm?.servers.map((s) => s.hostname)).toEqual(['CRM-APP01']);
    store.dispose();
  });

  it('reads it again when the run state or a step status changes, not on progress, log or an unchanged session', async () => {
    const bridge = new FakeBridge(running('running'));
    const store = createUpgradeStore(bridge);
    await flush();
    expect(farmReads(bridge)).toBe(1);

    bridge.emit('progress', { stepId: 'backup.files', percent: 10, elapsedMs: 1000 });
    bridge.emit('log', logEntry(1));
    // The same run state and statuses: a session event the engine sends for a progress-free change.
    bridge.emit('session', running('running'));
    await flush();
    expect(farmReads(bridge)).toBe(1);

    bridge.farm = farmStatus({ servers: [farmServer('CRM-APP01', { isThis: true, runState: 'running' })] });
    bridge.emit('session', running('passed'));
    await flush();
    expect(farmReads(bridge)).toBe(2);
    expect(store.getState().farm?.servers[0]?.runState).toBe('running');

    bridge.emit('session', session({ run: { state: 'paused' } }, running('passed').steps));
    await flush();
    expect(farmReads(bridge)).toBe(3);
    store.dispose();
  });

  it('keeps the last good farm when a read fails, and shows the error', async () => {
    const bridge = new FakeBridge(running('running'));
    const store = createUpgradeStore(bridge);
    await flush();
    const good = store.getState().farm;
    expect(good).not.toBeNull();
    bridge.farm = new Error('ledger busy');
    bridge.emit('session', running('passed'));
    await flush();
    expect(store.getState().farm).toBe(good);
    expect(store.getState().error).toEqual({ key: 'ui.error.farm', params: { detail: 'ledger busy' } });
    store.dispose();
  });

  it('never lets an older answer overwrite a newer one', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge, { load: false });
    const answers: ((farm: ReturnType<typeof farmStatus>) => void)[] = [];
    bridge.getFarmStatus = () => new Promise((resolve) => answers.push(resolve));
    const first = store.getState().loadFarm();
    const second = store.getState().loadFarm();
    answers[1]?.(farmStatus({ at: 'newer' }));
    await second;
    answers[0]?.(farmStatus({ at: 'older' }));
    await first;
    expect(store.getState().farm?.at).toBe('newer');
  });

  it('sends the servers the admin confirms, with the pending flag meanwhile, and reads the farm again', async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    let release: (ack: { ok: true }) => void = () => {};
    bridge.setFarmServers = (names) => {
      bridge.calls.push({ name: 'setFarmServers', args: [names] });
      return new Promise((resolve) => (release = resolve));
    };
    const sent = store.getState().setFarmServers(['CRM-APP01', 'CRM-APP02']);
    expect(store.getState().pending).toBe(true);
    expect(store.getState().pendingAction).toEqual({ name: 'setFarmServers' });
    expect(await store.getState().setFarmServers(['CRM-APP03'])).toBe(false);

    bridge.farm = farmStatus({
      servers: [farmServer('CRM-APP01'), farmServer('CRM-APP02', { sources: ['list'] })],
    });
    release({ ok: true });
    expect(await sent).toBe(true);
    expect(intents(bridge)).toEqual([{ name: 'setFarmServers', args: [['CRM-APP01', 'CRM-APP02']] }]);
    expect(farmReads(bridge)).toBe(2);
    expect(store.getState().farm?.servers.map((s) => s.hostname)).toEqual(['CRM-APP01', 'CRM-APP02']);
    expect(store.getState().pending).toBe(false);
    store.dispose();
  });

  it("keeps the engine's refusal of the list as the error, and reads the farm again all the same", async () => {
    const bridge = new FakeBridge();
    const store = createUpgradeStore(bridge);
    await flush();
    const refusal = msg('engine.gate.closed', { steps: 'check.users' });
    bridge.acks.setFarmServers = { ok: false, error: refusal };
    expect(await store.getState().setFarmServers(['CRM-APP02'])).toBe(false);
    expect(store.getState().error).toEqual(refusal);
    expect(farmReads(bridge)).toBe(2);
    store.dispose();
  });
});
