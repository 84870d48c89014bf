import path from 'node:path';
import type { CrmConnection } from '../../../core/ports';
import { type Message, UpgradeError, msg } from '../../../shared/message';
import * as Q from './statements';

/** A statement's rows in the connection's database; a refusal throws an UpgradeError whose detail is SQL Server's chain. */
export type RowsOf = <T>(c: CrmConnection, text: string) => Promise<T[]>;
export type SqlLog = (level: 'info' | 'warn' | 'error', message: Message, detail?: string) => void;

const reasonOf = (err: unknown): string =>
  err instanceof UpgradeError ? (err.detail ?? err.message_.key) : String(err);

/**
 * The instance's default backup folder, for a login that need not be sysadmin:
 * SERVERPROPERTY('InstanceDefaultBackupPath') (2019 and later, anyone may ask), else the
 * registry through xp_instance_regread (2012-2017; may be refused), else the folder of the
 * database's own data file, which the SQL Server service account surely writes (said in the log).
 */
export async function instanceBackupFolder(c: CrmConnection, rows: RowsOf, log: SqlLog): Promise<string> {
  const [def] = await rows<{ dir: string | null }>(c, Q.DEFAULT_BACKUP_PATH);
  if (def?.dir) return def.dir;
  let reason = 'xp_instance_regread: BackupDirectory is not set';
  try {
    const [reg] = await rows<{ dir: string | null }>(c, Q.REGISTRY_BACKUP_PATH);
    if (reg?.dir) return reg.dir;
  } catch (err) {
    reason = reasonOf(err);
  }
  let data: { dataFile: string | null } | undefined;
  try {
    [data] = await rows<{ dataFile: string | null }>(c, Q.DATABASE_FILE);
  } catch (err) {
    reason = `${reason} | ${reasonOf(err)}`;
  }
  if (!data?.dataFile)
    throw new UpgradeError(msg('sql.backup-folder-unknown', { connection: c.name, errors: reason }));
  const dir = path.win32.dirname(data.dataFile);
  log('warn', msg('sql.backup-folder-fallback', { database: c.database, path: dir, reason }));
  return dir;
}

type DriveRow = Record<string, string | number>;

/** xp_fixeddrives' row for the drive: columns `drive` and `MB free`, read by position too. */
function freeOnDrive(rowsFound: DriveRow[], drive: string): number | null {
  const row = rowsFound.find((r) => String(r.drive ?? Object.values(r)[0]).toUpperCase() === drive);
  const mb = row ? Number(row['MB free'] ?? Object.values(row)[1]) : NaN;
  return Number.isFinite(mb) ? mb * 1024 * 1024 : null;
}

/** The volume (its mount point, `E:\` or a mounted folder) the folder is on, the deepest that holds it. */
function freeOnVolume(
  volumes: { mountPoint: string; freeBytes: number | string }[],
  dir: string,
): number | null {
  const upper = dir.toUpperCase();
  const holding = volumes
    .filter((v) => upper.startsWith(v.mountPoint.toUpperCase()))
    .sort((a, b) => b.mountPoint.length - a.mountPoint.length)[0];
  const free = holding ? Number(holding.freeBytes) : NaN;
  return Number.isFinite(free) ? free : null;
}

/**
 * Free bytes where the backups go, as SQL Server sees it: xp_fixeddrives (may be refused to a
 * login that is not sysadmin), else sys.dm_os_volume_stats (needs VIEW SERVER STATE; knows the
 * volumes of the database's own files). null when neither can tell, the missing right in the log.
 */
export async function freeBytesAt(
  c: CrmConnection,
  dir: string,
  rows: RowsOf,
  log: SqlLog,
): Promise<number | null> {
  const drive = /^([A-Za-z]):/.exec(dir)?.[1]?.toUpperCase();
  if (!drive) return null; // a share: neither can tell
  const refusals: string[] = [];
  try {
    const fixed = freeOnDrive(await rows<DriveRow>(c, Q.FIXED_DRIVES), drive);
    if (fixed !== null) return fixed;
  } catch (err) {
    refusals.push(reasonOf(err));
  }
  try {
    const volume = freeOnVolume(await rows(c, Q.VOLUME_SPACE), dir);
    if (volume !== null) return volume;
  } catch (err) {
    refusals.push(reasonOf(err));
  }
  if (refusals.length > 0)
    log('warn', msg('sql.free-space-unknown', { connection: c.name, path: dir }), refusals.join(' | '));
  return null;
}
