/**
 * Every statement the Windows host sends to SQL Server. Values are always parameters (@name);
 * the only text ever spliced in is a database name quoted by quoteDatabaseName, where T-SQL
 * allows no variable, and a fixed option chosen from the server's edition.
 */

/**
 * Asked in the CRM's database. Restoring over it needs sysadmin, dbcreator or being its owner
 * (sys.databases.owner_sid, kept in master): db_owner is not enough, as SQL Server cannot read a
 * database's roles while it restores it.
 */
export const PERMISSIONS = `SELECT
  SUSER_SNAME() AS login,
  CAST(ISNULL(IS_SRVROLEMEMBER('sysadmin'), 0) AS int) AS sysadmin,
  CAST(ISNULL(IS_ROLEMEMBER('db_owner'), 0) AS int) AS dbOwner,
  CAST(ISNULL(IS_ROLEMEMBER('db_backupoperator'), 0) AS int) AS backupOperator,
  CAST(ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE'), 0) AS int) AS viewServerState,
  CAST(ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ANY DATABASE'), 0) AS int) AS createDatabase,
  CAST(ISNULL(IS_SRVROLEMEMBER('dbcreator'), 0) AS int) AS dbcreator,
  CAST(CASE WHEN EXISTS (SELECT 1 FROM sys.databases AS d WHERE d.database_id = DB_ID() AND d.owner_sid = SUSER_SID())
    THEN 1 ELSE 0 END AS int) AS ownsDatabase`;

/** Other sessions on the database, grouped so that the IIS pool's sleeping connections stand apart from people. */
export const SESSIONS = `SELECT s.host_name AS host, s.program_name AS program, s.login_name AS login,
  COUNT(*) AS sessions, SUM(CASE WHEN s.status = N'sleeping' THEN 1 ELSE 0 END) AS sleeping
FROM sys.dm_exec_sessions AS s
WHERE s.database_id = DB_ID(@database) AND s.session_id <> @@SPID AND s.is_user_process = 1
  AND ISNULL(s.program_name, N'') <> @ourProgram
GROUP BY s.host_name, s.program_name, s.login_name
ORDER BY s.host_name, s.program_name`;

export const USED_BYTES = `SELECT CAST(SUM(CAST(FILEPROPERTY(name, 'SpaceUsed') AS bigint)) * 8192 AS bigint) AS used
FROM sys.database_files WHERE type = 0`;

export const EDITION = `SELECT CAST(SERVERPROPERTY('EngineEdition') AS int) AS engineEdition,
  CAST(SERVERPROPERTY('Edition') AS nvarchar(128)) AS edition`;

/** SQL Server 2019 and later; NULL before. */
export const DEFAULT_BACKUP_PATH = `SELECT CAST(SERVERPROPERTY('InstanceDefaultBackupPath') AS nvarchar(4000)) AS dir`;

/** 2012-2017: the instance's registry value, as SSDT reads it. */
export const REGISTRY_BACKUP_PATH = `DECLARE @dir nvarchar(4000);
EXEC master.dbo.xp_instance_regread N'HKEY_LOCAL_MACHINE', N'Software\\Microsoft\\MSSQLServer\\MSSQLServer', N'BackupDirectory', @dir OUTPUT;
SELECT @dir AS dir`;

/** Without rights to the two above: the folder of the database's own first data file, which the service account writes. */
export const DATABASE_FILE = `SELECT TOP (1) physical_name AS dataFile FROM sys.database_files WHERE type = 0 ORDER BY file_id`;

/** Free MB per drive letter; may be refused to a login that is not sysadmin. */
export const FIXED_DRIVES = `EXEC master.dbo.xp_fixeddrives`;

/** Free bytes of the volumes holding the database's files; needs VIEW SERVER STATE. */
export const VOLUME_SPACE = `SELECT DISTINCT vs.volume_mount_point AS mountPoint, CAST(vs.available_bytes AS bigint) AS freeBytes
FROM sys.database_files AS f
CROSS APPLY sys.dm_os_volume_stats(DB_ID(), f.file_id) AS vs`;

export function backupStatement(compression: boolean): string {
  return `BACKUP DATABASE @database TO DISK = @path WITH COPY_ONLY, CHECKSUM, INIT, STATS = 5${compression ? ', COMPRESSION' : ''}`;
}

export const BACKUP_RECORD = `SELECT TOP (1) bs.position, CAST(bs.backup_size AS bigint) AS backupSize,
  CAST(bs.compressed_backup_size AS bigint) AS compressedSize
FROM msdb.dbo.backupset AS bs
JOIN msdb.dbo.backupmediafamily AS mf ON mf.media_set_id = bs.media_set_id
WHERE mf.physical_device_name = @path AND bs.database_name = @database
ORDER BY bs.backup_finish_date DESC`;

export const VERIFY = `RESTORE VERIFYONLY FROM DISK = @path WITH FILE = @position, CHECKSUM, STATS = 10`;

/**
 * What SQL Server reads in a backup file, the set at @position (one row; the same CREATE DATABASE
 * right as VERIFY). BackupFinishDate is the instance's local time without a zone: the instance's
 * offset from UTC now comes with it, in the same batch.
 */
export const BACKUP_HEADER = `SELECT DATEPART(TZOFFSET, SYSDATETIMEOFFSET()) AS offsetMinutes;
RESTORE HEADERONLY FROM DISK = @path WITH FILE = @position`;

/**
 * A tiny backup into a folder the admin chose, for a sysadmin only (no one else may back up
 * [model], nor delete the file after): proves the SQL Server service account can write there.
 * Any other login probes with the backup it will take, backupStatement, of its own database.
 */
export const PROBE_BACKUP = `BACKUP DATABASE [model] TO DISK = @path WITH COPY_ONLY, INIT`;
export const DELETE_PROBE = `EXEC master.sys.xp_delete_file 0, @path`;

/*
 * Rollback of one database: three statements, each its own request on one connection to master,
 * never a TRY/CATCH (inside one only the last error, 3013, reaches CATCH: 3201, 3101 or 3183,
 * the cause, would never reach the admin).
 *
 * OFFLINE, not SINGLE_USER: SINGLE_USER set from master leaves the one slot free, and the next
 * to connect (SQL Agent, a CRM service, SSMS reconnecting) takes it before RESTORE, which then
 * fails with 3101. An OFFLINE database admits no one, and RESTORE … REPLACE restores over it
 * (Microsoft: "you can take a database offline before you start a restore").
 */
export function takeOffline(quotedName: string): string {
  return `ALTER DATABASE ${quotedName} SET OFFLINE WITH ROLLBACK IMMEDIATE`;
}

export const RESTORE_DATABASE = `RESTORE DATABASE @database FROM DISK = @path WITH FILE = @position, REPLACE, CHECKSUM, STATS = 5`;

/** In the finally: a database still OFFLINE (the restore never began) comes back; after a restore, ONLINE already, nothing changes. */
export function bringOnline(quotedName: string): string {
  return `ALTER DATABASE ${quotedName} SET ONLINE`;
}

export const DATABASE_STATE = `SELECT state_desc AS state, user_access_desc AS access FROM sys.databases WHERE name = @database`;

/**
 * Every statement above, each function called for each form it can take: what `npm run check:sql`
 * parses for every SQL Server version. build/sql/statement-list.ts refuses an export missing here.
 */
export const ALL_STATEMENTS: readonly { id: string; text: string }[] = [
  { id: 'PERMISSIONS', text: PERMISSIONS },
  { id: 'SESSIONS', text: SESSIONS },
  { id: 'USED_BYTES', text: USED_BYTES },
  { id: 'EDITION', text: EDITION },
  { id: 'DEFAULT_BACKUP_PATH', text: DEFAULT_BACKUP_PATH },
  { id: 'REGISTRY_BACKUP_PATH', text: REGISTRY_BACKUP_PATH },
  { id: 'DATABASE_FILE', text: DATABASE_FILE },
  { id: 'FIXED_DRIVES', text: FIXED_DRIVES },
  { id: 'VOLUME_SPACE', text: VOLUME_SPACE },
  { id: 'backupStatement(false)', text: backupStatement(false) },
  { id: 'backupStatement(true)', text: backupStatement(true) },
  { id: 'BACKUP_RECORD', text: BACKUP_RECORD },
  { id: 'VERIFY', text: VERIFY },
  { id: 'BACKUP_HEADER', text: BACKUP_HEADER },
  { id: 'PROBE_BACKUP', text: PROBE_BACKUP },
  { id: 'DELETE_PROBE', text: DELETE_PROBE },
  // quoteDatabaseName('CRM ]Prod'): a name with the one character its quoting escapes.
  { id: 'takeOffline([CRM ]]Prod])', text: takeOffline('[CRM ]]Prod]') },
  { id: 'RESTORE_DATABASE', text: RESTORE_DATABASE },
  { id: 'bringOnline([CRM ]]Prod])', text: bringOnline('[CRM ]]Prod]') },
  { id: 'DATABASE_STATE', text: DATABASE_STATE },
];
