import type { SqlCredentials } from '../shared/sql-credentials';

/**
 * The machine behind the engine. core talks to a server only through these ports;
 * host/windows implements them on a real Windows server, host/practice over a folder.
 */

export interface System {
  readonly mode: 'practice' | 'windows';
  hostname(): Promise<string>;
  isElevated(): Promise<boolean>;
  /** The operating system's architecture, not the process's. */
  osArch(): Promise<'x64' | 'x86' | 'arm64'>;
  /** Windows' own version, major.minor.build ("10.0.14393" is Windows Server 2016). */
  osVersion(): Promise<string>;
  /** Free bytes on the volume holding `path` (which must exist). */
  freeBytes(path: string): Promise<number>;
  /** Where the application folder backup goes by default: a local disk with room; a protectedFolder. */
  defaultBackupDir(): Promise<string>;
  /** Windows' usual pending-reboot markers (CBS, Windows Update, PendingFileRenameOperations), by name. */
  pendingReboot(): Promise<string[]>;
  /** A folder on this server for the upgrade manager's own state (the lock of a run under way); a protectedFolder. */
  stateDir(): Promise<string>;
  /**
   * Makes `dir` (a full path) a folder for Administrators and SYSTEM only, or checks that an
   * existing one is exactly that, and returns it. Throws an UpgradeError saying what to do when it
   * is a link or junction, is not a folder, has another owner, or lets anyone else in: a folder
   * that someone else prepared would let them steer or read what an elevated run writes there.
   */
  protectedFolder(dir: string): Promise<string>;
  /**
   * When the process `pid` started, as an opaque string compared for equality only (a recycled
   * PID has another one); null when the process is gone or the host cannot tell.
   */
  processStartTime(pid: number): Promise<string | null>;
  /** A DLL's FileVersion ("7.8.5.13100517"), or null when the file has none. */
  fileVersion(file: string): Promise<string | null>;
}

export interface IisStatus {
  /** IIS is installed (InetStp) and its version. */
  installed: boolean;
  version: string | null;
  /** The World Wide Web Publishing Service. */
  w3svc: 'running' | 'stopped' | 'missing';
}

export type PoolState = 'started' | 'stopping' | 'stopped';

export interface CrmSite {
  siteName: string;
  appPath: string;
  physicalPath: string;
  pools: string[];
  url: string;
}

export interface CrmResponse {
  status: number;
  /** What the CRM says its version is, when it answers. */
  version?: string;
  maintenance: boolean;
  /**
   * https only: whether the site's certificate is trusted (the server's own certificate store)
   * and why not. The request goes to this server itself, so the answer is read either way.
   */
  certificate?: { trusted: boolean; problem?: string };
}

/** What stopping a pool found: its autoStart before the run (what starting it puts back) and its worker processes. */
export interface PoolStop {
  autoStart: boolean;
  workers: number[];
}

/** The Web service (W3SVC) and the Windows Process Activation Service (WAS) as found, and which had to be started. */
export interface WebServices {
  w3svc: string;
  was: string;
  started: string[];
}

/** One of a site's bindings as IIS keeps it: `http` and `*:80:` (ip:port:host header). */
export interface SiteBinding {
  protocol: string;
  bindingInformation: string;
}

/** Where a request comes from: this server itself (the admin) or anywhere else (the users). */
export type RequestOrigin = 'loopback' | 'outside';

/**
 * The lockout window: the site answers only requests from this server (loopback bindings); its
 * public bindings belong to a small maintenance site that answers every request with the
 * maintenance page (503). Recorded on the server before anything changes.
 */
export interface Lockout {
  site: string;
  /** The site's bindings before the lockout: exactly what ending it puts back. */
  original: SiteBinding[];
  /** The site's bindings while it lasts (loopback only, plus any non-HTTP ones left as they were). */
  locked: SiteBinding[];
  /** The address the admin uses on the server while it lasts. */
  loopbackUrl: string;
  since: string;
}

export interface Iis {
  status(): Promise<IisStatus>;
  /** The CRM's site as IIS knows it, or null when IIS hosts no CRM here. */
  findCrm(siteName: string): Promise<CrmSite | null>;
  poolState(pool: string): Promise<PoolState>;
  /**
   * Stops the pool and keeps it stopped: its autoStart recorded on the server, then set to false
   * (an iisreset or a WAS restart would start it again), then the stop. Resolves once the worker
   * processes it had before the stop, followed by PID, are gone.
   */
  stopPool(pool: string, timeoutMs: number): Promise<PoolStop>;
  /**
   * Starts it: W3SVC and WAS first when they are stopped, its autoStart put back (the server's
   * record, else `recorded` from the journal, else left as it is), then the pool. Returns the
   * autoStart it has now.
   */
  startPool(pool: string, recorded?: { autoStart?: boolean }): Promise<{ autoStart: boolean }>;
  /** W3SVC and WAS running, each started when it is not; throws when they cannot be. */
  ensureWebServices(): Promise<WebServices>;
  /**
   * A GET of the CRM, as a browser would, sent to this server itself with the site's Host header:
   * 'outside' at one of its network addresses, as a user's PC would reach it; 'loopback' at the
   * loopback address (through a lockout); omitted, at the site's own binding on loopback.
   * Throws an UpgradeError (iis.request-failed) when nothing answers: callers record that as evidence.
   */
  request(site: CrmSite, from?: RequestOrigin): Promise<CrmResponse>;
  /**
   * Starts the lockout on the site: its original bindings recorded on the server first, then
   * loopback-only bindings, then the maintenance site on the public ones. Idempotent: a second
   * call (a retry after a crash) keeps the first record of the original bindings.
   */
  lockOut(site: CrmSite, html: string): Promise<Lockout>;
  /**
   * Ends it: the maintenance site removed, the recorded original bindings put back, the record
   * deleted. `recorded` (from the journal) is used when the server's own record is gone.
   * Idempotent: nothing to do when no lockout is on. Returns what it put back, or null.
   */
  endLockout(site: CrmSite, recorded?: readonly SiteBinding[]): Promise<SiteBinding[] | null>;
}

export interface SetupRun {
  /** The setup's own process's exit code (null when it never exited by itself). */
  exitCode: number | null;
  /** Its time ran out: what was still at work of it was killed. */
  timedOut: boolean;
  durationMs: number;
  output: string;
  /**
   * When the time ran out after the setup's process had exited or was killed: what was still at
   * work ("setup.exe (PID 4242)", "msiexec.exe (PID 880)", "Windows Installer (_MSIExecute)").
   */
  stillRunning?: string[];
}

export interface SetupOptions {
  /** From the setup's start to the end of everything it started, Windows Installer's work included. */
  timeoutMs: number;
  /** The setup's own log, for an .msi (msiexec /l*v): a file in the run's state folder. */
  logFile?: string;
  onOutput?: (line: string) => void;
  onProgress?: (percent: number) => void;
}

export interface Processes {
  /**
   * Runs a setup program from the kit (an .exe, or an .msi through msiexec) with an argument array.
   * It is done when its process has exited (its exit code, not its output pipes closing), every
   * process it started has ended, and Windows Installer is free again; on timeout what is left
   * is killed.
   */
  runSetup(program: string, args: readonly string[], options: SetupOptions): Promise<SetupRun>;
  /** Another installation holds Windows Installer (its `_MSIExecute` mutex): a setup started now fails with 1618. */
  installerBusy(): Promise<boolean>;
  /** When the server last started, compared for equality only (a restart changes it); null when it cannot tell. */
  lastBoot(): Promise<string | null>;
}

export interface ConnectedUser {
  user: string;
  host: string;
  since: string;
}

export interface DatabaseBackup {
  connection: string;
  database: string;
  schemaVersion: string;
  /** Where the backup is, as the SQL Server machine sees it. */
  path: string;
  bytes: number;
  /** Of the file's bytes, when this machine can read it; '' when the file is only on the SQL Server. */
  sha256: string;
  /** The backup set within the file. */
  position: number;
  durationMs: number;
}

/** A backup set as SQL Server reads it from the file. */
export interface BackupHeader {
  database: string;
  /** When the backup finished, ISO 8601 (UTC). */
  finishedAt: string;
}

/** What the login behind a connection may do, as SQL Server answers for it. */
export interface DatabasePermissions {
  /** The login, as SQL Server names it (SUSER_SNAME()): what a DBA grants rights to. */
  login: string;
  sysadmin: boolean;
  /** Member of db_owner in the database: may back it up, but NOT restore over it. */
  dbOwner: boolean;
  backupOperator: boolean;
  viewServerState: boolean;
  createDatabase: boolean;
  /** Member of the dbcreator server role: may restore over an existing database. */
  dbcreator: boolean;
  /** The database's owner (sys.databases.owner_sid): may restore over it. */
  ownsDatabase: boolean;
}

/** Sessions on a database from one host, program and login. */
export interface SessionGroup {
  host: string;
  program: string;
  login: string;
  sessions: number;
  sleeping: number;
}

/** A CRM connection ("connessione") as web.config names it. The connection string never reaches a log. */
export interface CrmConnection {
  name: string;
  server: string;
  database: string;
  connectionString: string;
  /** web.config's providerName (an Entity Framework string's inner provider): the CRM's client, whose defaults the host follows. */
  provider?: string;
}

export interface Databases {
  /**
   * The CRM's own list ("Elenco Utenti Connessi"), stale entries left out; null when this host
   * cannot read it (the profile does not say how), which is never "nobody".
   */
  connectedUsers(connection: CrmConnection): Promise<ConnectedUser[] | null>;
  /** SQL Server's sessions on the database, ours excluded; not trusted without VIEW SERVER STATE. */
  sqlSessions(connection: CrmConnection): Promise<{ trusted: boolean; groups: SessionGroup[] }>;
  permissions(connection: CrmConnection): Promise<DatabasePermissions>;
  /** One value from a query the product profile names (never text from anywhere else). */
  queryValue(connection: CrmConnection, query: string): Promise<string | null>;
  /** The data-structure version the database reports (what "Aggiorna Database" updates). */
  schemaVersion(connection: CrmConnection): Promise<string>;
  usedBytes(connection: CrmConnection): Promise<number>;
  /** Free bytes where this connection's backups land (on the SQL Server's side); null when it can't be measured. */
  backupFreeBytes(connection: CrmConnection): Promise<number | null>;
  backup(connection: CrmConnection, onProgress: (percent: number) => void): Promise<DatabaseBackup>;
  verify(
    connection: CrmConnection,
    backup: DatabaseBackup,
    onProgress: (percent: number) => void,
  ): Promise<void>;
  /**
   * What SQL Server itself reads in the backup file (RESTORE HEADERONLY, the set at `position`):
   * the database backed up and when the backup finished. A fact, unlike a path named on the kit.
   */
  backupHeader(connection: CrmConnection, backup: DatabaseBackup): Promise<BackupHeader>;
  restore(
    connection: CrmConnection,
    backup: DatabaseBackup,
    onProgress: (percent: number) => void,
  ): Promise<void>;
}

/** Practice-only controls: what the admin does in the CRM's own web UI on a real server. */
export interface PracticeControls {
  logOffAllUsers(): Promise<number>;
  /** The admin, on this server (loopback), presses "Aggiorna Database": allowed during the lockout. */
  pressAggiornaDatabase(connection: string): Promise<void>;
  /** A user tries to log in from their PC (outside): refused while the lockout is on. */
  userLogsIn(connection: string, user: string): Promise<{ admitted: boolean; status: number }>;
}

/** The profile's field that says how to read each database's version, as the admin's messages name it. */
export const DATABASE_VERSION_FIELD = 'sql.databaseVersionQuery';

/** What the product profile tells the host about the CRM: its own SQL tables. */
export interface HostProfileHints {
  sql?:
    | {
        connectedUsersQuery?: string | undefined;
        sessionTimeoutMinutes?: number | undefined;
        /** One SELECT, one text column: each database's version; null until the vendor fills it in. */
        databaseVersionQuery: string | null;
      }
    | undefined;
}

/** An encrypted <connectionStrings> section, read in memory (Windows: through PowerShell). */
export type ConnectionDecryptor = (
  webConfigPath: string,
) => Promise<{ name: string; connectionString: string; providerName?: string }[]>;

/** Where the admin's typed SQL credentials are kept: in the host's memory, never on disk. */
export interface CredentialStore {
  provide(connection: string, credentials: SqlCredentials): void;
}

export interface Host {
  system: System;
  iis: Iis;
  processes: Processes;
  databases: Databases;
  practice?: PracticeControls;
  /** Only hosts whose SQL driver needs them (Windows); the practice server has none. */
  credentials?: CredentialStore;
  /** The profile's hints, once it is known (the host is opened before the kit is read). */
  adopt?(hints: HostProfileHints): void;
  decryptConnections?: ConnectionDecryptor;
}
