import { describe, expect, it } from 'vitest';
import { farmStatusSchema } from '../../shared/farm';
import {
  NEW,
  OLD,
  dbBackup,
  farmList,
  finishedEntry,
  ledgerEntry,
  ledgerOf,
} from '../../testing/farm-ledger';
import type { FarmLedger } from './ledger';
import { type FarmStatusInput, farmStatus } from './status';

/**
 * Issue 15, the farm view as a pure function of the ledger and what a server observes now: the
 * next thing to do and where, whether the farm is complete, and the order of a farm rollback.
 */

const NOW = new Date('2026-11-27T12:00:00.000Z');

const status = (ledger: FarmLedger, more: Partial<FarmStatusInput> = {}) => {
  const farm = farmStatus({ kitVersion: NEW, ledger, members: [], now: NOW, ...more });
  // Whatever it says, it is what the window, the CLI and the report read.
  expect(farmStatusSchema.parse(farm)).toEqual(farm);
  return farm;
};

describe('the next thing to do, going forward', () => {
  it('is "start" on the first server of the list that has never run', async () => {
    const farm = status(
      ledgerOf([ledgerEntry('CRM-APP01')], farmList(['CRM-APP01', 'CRM-APP02', 'CRM-APP03'])),
    );
    expect(farm.next).toEqual({
      server: 'CRM-APP02',
      message: { key: 'farm.next.start', params: { server: 'CRM-APP02' } },
    });
    expect(farm.servers.map((s) => [s.hostname, s.runState, s.lockout, s.sources])).toEqual([
      ['CRM-APP01', 'waiting', 'on', ['list', 'ledger']],
      ['CRM-APP02', null, 'unknown', ['list']],
      ['CRM-APP03', null, 'unknown', ['list']],
    ]);
    expect(farm.complete).toBe(false);
  });

  it('is "start" on a member known only to this server (sessions, profile), never run', async () => {
    const farm = status(ledgerOf([ledgerEntry('CRM-APP01')]), {
      members: [
        { hostname: 'CRM-APP01', sources: ['this'] },
        { hostname: 'CRM-APP04', sources: ['sessions'] },
      ],
    });
    expect(farm.next).toMatchObject({ server: 'CRM-APP04', message: { key: 'farm.next.start' } });
    expect(farm.servers.map((s) => [s.hostname, s.isThis, s.sources])).toEqual([
      ['CRM-APP01', true, ['this', 'ledger']],
      ['CRM-APP04', false, ['sessions']],
    ]);
  });

  it('is "check again" on the server updated longest ago, when every unfinished one waits on the farm', async () => {
    const farm = status(
      ledgerOf([
        ledgerEntry('CRM-APP01', { updatedAt: '2026-11-27T10:05:00.000Z' }),
        ledgerEntry('CRM-APP02', { updatedAt: '2026-11-27T10:01:00.000Z' }),
        ledgerEntry('CRM-APP03', { updatedAt: '2026-11-27T10:03:00.000Z' }),
        finishedEntry('CRM-APP04', { updatedAt: '2026-11-27T09:00:00.000Z' }),
      ]),
    );
    expect(farm.next).toEqual({
      server: 'CRM-APP02',
      message: { key: 'farm.next.check-again', params: { server: 'CRM-APP02' } },
    });
  });

  it('is "continue" on a server that waits for the admin, not for the farm, before any farm wait', async () => {
    const farm = status(
      ledgerOf([
        ledgerEntry('CRM-APP01', { updatedAt: '2026-11-27T09:00:00.000Z' }),
        ledgerEntry('CRM-APP02', {
          updatedAt: '2026-11-27T11:00:00.000Z',
          step: { id: 'after.db-update:Produzione', status: 'waiting', waitsOnFarm: false },
        }),
      ]),
    );
    expect(farm.next).toEqual({
      server: 'CRM-APP02',
      message: {
        key: 'farm.next.continue',
        params: { server: 'CRM-APP02', step: 'after.db-update:Produzione' },
      },
    });
    expect(farm.servers[1]?.step).toEqual({ id: 'after.db-update:Produzione', status: 'waiting' });
  });

  it('is "continue" on a paused server with no step left to name', async () => {
    const farm = status(ledgerOf([ledgerEntry('CRM-APP01', { runState: 'paused', step: null })]));
    expect(farm.next.message).toEqual({
      key: 'farm.next.continue',
      params: { server: 'CRM-APP01', step: '-' },
    });
  });
});

describe('a complete farm', () => {
  const done = () =>
    ledgerOf(
      [
        finishedEntry('CRM-APP01', {
          updates: [{ connection: 'Produzione', database: 'CRM_PROD', at: 't' }],
        }),
        finishedEntry('CRM-APP02'),
      ],
      farmList(['CRM-APP01', 'CRM-APP02']),
    );

  it('is every server finished, open, at the kit’s version, and every database at it: "done"', async () => {
    const farm = status(done());
    expect(farm).toMatchObject({
      complete: true,
      rollback: false,
      fromVersion: OLD,
      next: { server: null, message: { key: 'farm.next.done', params: { version: NEW } } },
    });
    expect(farm.connections).toEqual([
      {
        connection: 'Produzione',
        database: 'CRM_PROD',
        version: NEW,
        seenAt: '2026-11-27T10:30:00.000Z',
        backedUpBy: null,
        updatedBy: 'CRM-APP01',
        restoredBy: null,
      },
    ]);
  });

  it.each([
    ['a server still locked out', { lockout: 'on' as const }],
    ['a server whose code is older', { codeVersion: OLD }],
    ['a server whose code is unknown', { codeVersion: null }],
    ['a server whose run has not finished', { runState: 'paused' as const }],
  ])('is not complete with %s', async (_name, over) => {
    const ledger = done();
    ledger.entries[1] = finishedEntry('CRM-APP02', over);
    expect(status(ledger).complete).toBe(false);
  });

  it('is not complete while a database is not at the kit’s version, read now', async () => {
    const farm = status(done(), {
      databasesNow: [{ connection: 'Produzione', database: 'CRM_PROD', version: OLD }],
    });
    expect(farm.complete).toBe(false);
    expect(farm.connections[0]).toMatchObject({ version: OLD, seenAt: NOW.toISOString() });
  });

  it('is not complete when no server has run yet: nothing done is not a farm done', async () => {
    const farm = status(ledgerOf([]));
    expect(farm.complete).toBe(false);
    expect(farm.next).toEqual({ server: null, message: { key: 'farm.next.none' } });
  });
});

describe('a farm rollback', () => {
  const FROM = { fromVersion: OLD };
  /** CRM-APP01 began rolling back; CRM-APP02 finished and open; CRM-APP03 never locked out. */
  const begun = () =>
    ledgerOf([
      ledgerEntry('CRM-APP01', { ...FROM, runState: 'paused', rollbackBegun: true, step: null }),
      finishedEntry('CRM-APP02', FROM),
      ledgerEntry('CRM-APP03', { runState: 'running', lockout: 'off', pools: 'started', step: null }),
      ledgerEntry('CRM-APP04', { runState: 'rolled-back', lockout: 'off', rollbackBegun: true }),
    ]);

  it('marks the servers that changed something, and names the open one first', async () => {
    const farm = status(begun());
    expect(farm.rollback).toBe(true);
    expect(farm.complete).toBe(false);
    expect(farm.servers.map((s) => [s.hostname, s.mustRollBack])).toEqual([
      ['CRM-APP01', true],
      ['CRM-APP02', true],
      ['CRM-APP03', false],
      ['CRM-APP04', false],
    ]);
    expect(farm.next).toEqual({
      server: 'CRM-APP02',
      message: { key: 'farm.next.roll-back-open', params: { server: 'CRM-APP02', version: OLD } },
    });
  });

  it('then names the server whose rollback is under way: the databases, while one is not at the from-version', async () => {
    const ledger = begun();
    ledger.entries[1] = finishedEntry('CRM-APP02', { ...FROM, lockout: 'on' });
    const moved = status(ledger, {
      databasesNow: [{ connection: 'Produzione', database: 'CRM_PROD', version: NEW }],
    });
    expect(moved.next).toEqual({
      server: 'CRM-APP01',
      message: { key: 'farm.next.roll-back-databases', params: { server: 'CRM-APP01', version: OLD } },
    });
    const back = status(ledger, {
      databasesNow: [{ connection: 'Produzione', database: 'CRM_PROD', version: OLD }],
    });
    expect(back.next).toEqual({
      server: 'CRM-APP01',
      message: { key: 'farm.next.roll-back', params: { server: 'CRM-APP01', version: OLD } },
    });
  });

  it('prefers a server rolling back to one that has not begun', async () => {
    const farm = status(
      ledgerOf([
        finishedEntry('CRM-APP01', { ...FROM, lockout: 'on' }),
        ledgerEntry('CRM-APP02', { ...FROM, runState: 'rolling-back', rollbackBegun: true }),
      ]),
    );
    expect(farm.next).toMatchObject({
      server: 'CRM-APP02',
      message: { key: 'farm.next.roll-back-databases' },
    });
  });

  it('ends "rolled back" with no server named, once each one has', async () => {
    const back = ledgerEntry('X', {
      runState: 'rolled-back',
      codeVersion: OLD,
      lockout: 'off',
      rollbackBegun: true,
      step: null,
      databases: [{ connection: 'Produzione', database: 'CRM_PROD', version: OLD, at: 't' }],
      restores: [{ connection: 'Produzione', database: 'CRM_PROD', at: 't' }],
    });
    const farm = status(
      ledgerOf([
        { ...back, hostname: 'CRM-APP01' },
        { ...back, hostname: 'CRM-APP02', restores: [] },
      ]),
    );
    expect(farm).toMatchObject({
      rollback: true,
      complete: false,
      next: { server: null, message: { key: 'farm.next.rolled-back', params: { version: OLD } } },
    });
    expect(farm.servers.every((s) => !s.mustRollBack)).toBe(true);
    expect(farm.connections[0]).toMatchObject({ version: OLD, restoredBy: 'CRM-APP01' });
  });
});

describe('what this server observes now', () => {
  it('the databases read now win over the version the ledger last saw; unread, the ledger’s stands', async () => {
    const ledger = ledgerOf([
      ledgerEntry('CRM-APP01', {
        databases: [
          { connection: 'Produzione', database: 'CRM_PROD', version: OLD, at: '2026-11-27T10:00:00.000Z' },
          { connection: 'Formazione', database: 'CRM_FORM', version: OLD, at: '2026-11-27T10:00:00.000Z' },
        ],
      }),
      ledgerEntry('CRM-APP02', {
        databases: [
          { connection: 'Formazione', database: 'CRM_FORM', version: NEW, at: '2026-11-27T11:00:00.000Z' },
        ],
      }),
    ]);
    const farm = status(ledger, {
      databasesNow: [
        { connection: 'Produzione', database: 'CRM_PROD', version: NEW },
        { connection: 'Formazione', database: 'CRM_FORM', version: null },
      ],
    });
    expect(farm.connections.map((c) => [c.connection, c.version, c.seenAt])).toEqual([
      ['Produzione', NEW, NOW.toISOString()],
      // Not readable now: the latest a server wrote.
      ['Formazione', NEW, '2026-11-27T11:00:00.000Z'],
    ]);
  });

  it('this server’s own entry replaces the kit’s copy of it, or joins the ledger when the kit has none', async () => {
    const members = [{ hostname: 'CRM-APP01', sources: ['this' as const] }];
    const kitCopy = ledgerEntry('CRM-APP01', { updatedAt: '2026-11-27T10:00:00.000Z' });
    const fresh = finishedEntry('crm-app01', { updatedAt: '2026-11-27T11:59:00.000Z' });
    const farm = status(ledgerOf([kitCopy, finishedEntry('CRM-APP02')]), { members, thisEntry: fresh });
    expect(farm.servers.map((s) => [s.hostname, s.runState, s.lockout, s.updatedAt])).toEqual([
      ['CRM-APP01', 'finished', 'off', '2026-11-27T11:59:00.000Z'],
      ['CRM-APP02', 'finished', 'off', '2026-11-27T10:00:00.000Z'],
    ]);
    expect(farm.complete).toBe(true);

    const alone = status(ledgerOf([]), { members, thisEntry: ledgerEntry('CRM-APP01') });
    expect(alone.servers).toMatchObject([{ hostname: 'CRM-APP01', isThis: true, runState: 'waiting' }]);
  });

  it('says which server backed up each database (a verified backup), and passes the ledger’s problems on', async () => {
    const ledger: FarmLedger = {
      ...ledgerOf([
        ledgerEntry('CRM-APP01', { backups: [dbBackup('CRM-APP01', { verified: false })] }),
        ledgerEntry('CRM-APP02', {
          backups: [dbBackup('CRM-APP03')],
          databases: [{ connection: 'Produzione', database: 'CRM_PROD', version: OLD, at: 't' }],
        }),
      ]),
      problems: [{ key: 'farm.ledger.misfiled', params: { file: 'x', hostname: 'y' } }],
    };
    const farm = status(ledger);
    expect(farm.connections[0]?.backedUpBy).toBe('CRM-APP03');
    expect(farm.problems).toEqual(ledger.problems);
    expect(farm.at).toBe(NOW.toISOString());
  });
});
