/**
 * Every statement the Windows host sends to SQL Server. Values are always parameters (@name);
 * the only text ever spliced in is a database name quoted by quoteDatabaseName, where T-SQL
 * allows no variable, and a fixed option chosen from the server's edition.
 */

export const PERMISSIONS = `SELECT
  CAST(ISNULL(IS_SRVROLEMEMBER('sysadmin'), 0) AS int) AS sysadmin,
  CAST(ISNULL(IS_ROLEMEMBER('db_owner'), 0) AS int) AS dbOwner,
  CAST(ISNULL(IS_ROLEMEMBER('db_backupoperator'), 0) AS int) AS backupOperator,
  CAST(ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, 'VIEW SERVER STATE'), 0) AS int) AS viewServerState,
  CAST(ISNULL(HAS_PERMS_BY_NAME(NULL, NULL, 'CREATE ANY DATABASE'), 0) AS int) AS createDatabase`;

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

export const FIXED_DRIVES = `EXEC master.dbo.xp_fixeddrives`;

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

/** A tiny backup into a folder the admin chose: proves the SQL Server service account can write there. */
export const PROBE_BACKUP = `BACKUP DATABASE [model] TO DISK = @path WITH COPY_ONLY, INIT`;
export const DELETE_PROBE = `EXEC master.sys.xp_delete_file 0, @path`;

/**
 * Rollback of one database, as one batch on one connection to master, so that nothing can take
 * the single-user slot between the statements; MULTI_USER comes back even when RESTORE fails.
 */
export function restoreBatch(quotedName: string): string {
  return `ALTER DATABASE ${quotedName} SET SINGLE_USER WITH ROLLBACK IMMEDIATE;
BEGIN TRY
  RESTORE DATABASE @database FROM DISK = @path WITH FILE = @position, REPLACE, CHECKSUM, STATS = 5;
END TRY
BEGIN CATCH
  ALTER DATABASE ${quotedName} SET MULTI_USER;
  THROW;
END CATCH;
ALTER DATABASE ${quotedName} SET MULTI_USER;`;
}

export const DATABASE_STATE = `SELECT state_desc AS state, user_access_desc AS access FROM sys.databases WHERE name = @database`;
