/** Test support only (never imported by the app): hand-made entries of the farm's ledger. */
import type { FarmLedger, FarmList, LedgerDbBackup, LedgerEntry } from '../core/farm/ledger';

export const OLD = '7.8.4.13050210_x64';
export const NEW = '7.8.5.13100517_x64';

/**
 * A server's entry as its run writes it, at the kit's version: by default locked out and waiting
 * for the farm, its pools stopped; `over` says what differs.
 */
export function ledgerEntry(hostname: string, over: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    format: 1,
    kind: 'crm-farm-ledger',
    hostname,
    runId: `run-${hostname}`,
    kitVersion: NEW,
    installation: '',
    fromVersion: OLD,
    codeVersion: OLD,
    runState: 'waiting',
    step: { id: 'backup.db:Produzione', status: 'waiting', waitsOnFarm: true },
    lockout: 'on',
    pools: 'stopped',
    rollbackBegun: false,
    databases: [],
    backups: [],
    updates: [],
    restores: [],
    updatedAt: '2026-11-27T10:00:00.000Z',
    ...over,
  };
}

/** A server whose run finished: its code and every database at the kit's version, open to users. */
export const finishedEntry = (hostname: string, over: Partial<LedgerEntry> = {}): LedgerEntry =>
  ledgerEntry(hostname, {
    codeVersion: NEW,
    runState: 'finished',
    step: null,
    lockout: 'off',
    pools: 'started',
    databases: [
      { connection: 'Produzione', database: 'CRM_PROD', version: NEW, at: '2026-11-27T10:30:00.000Z' },
    ],
    ...over,
  });

/** A verified backup of a database, as the server that took it records it. */
export const dbBackup = (takenBy: string, over: Partial<LedgerDbBackup> = {}): LedgerDbBackup => ({
  kind: 'db-backup',
  connection: 'Produzione',
  database: 'CRM_PROD',
  schemaVersion: OLD,
  path: `C:\\Backup\\CRM_PROD-${takenBy}.bak`,
  bytes: 1024,
  sha256: 'a'.repeat(64),
  position: 1,
  durationMs: 10,
  verified: true,
  takenBy,
  ...over,
});

/** The admin's list of the farm's servers, confirmed on the first of them. */
export const farmList = (servers: string[], over: Partial<FarmList> = {}): FarmList => ({
  format: 1,
  kind: 'crm-farm',
  kitVersion: NEW,
  installation: '',
  servers,
  confirmedBy: servers[0] ?? 'CRM-APP01',
  confirmedAt: '2026-11-27T09:00:00.000Z',
  ...over,
});

export const ledgerOf = (entries: LedgerEntry[], list: FarmList | null = null): FarmLedger => ({
  entries,
  list,
  problems: [],
});
