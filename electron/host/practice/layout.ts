import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { open, readFile, realpath, rename } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UpgradeError, msg } from '../../shared/message';

/**
 * A practice server is a folder that stands for a Windows application server with the CRM:
 *   practice-server.json            the machine (hostname, architecture, elevation, disk)
 *   iis/applicationHost.json        sites, application pools and their state
 *   C/inetpub/wwwroot/CRM           the CRM's application folder (drive C: is the folder C/)
 *   C/inetpub/wwwroot/CRMMobile     the MOBILE server part
 *   sql/instance.json               the SQL Server instance: databases and backup folder
 *   C/Program Files/Microsoft SQL Server/.../DATA/*.json   each database
 * A practice farm is a folder of such servers (`<farm>/<hostname>/`) without their own sql/: they
 * share the farm's practice-farm.json and sql/instance.json, one folder up.
 */
export const serverFileSchema = z.object({
  format: z.literal(1),
  kind: z.literal('crm-practice-server'),
  hostname: z.string().min(1),
  osArch: z.enum(['x64', 'x86', 'arm64']),
  /** Windows' version as os.release() gives it; Windows Server 2022 unless set (to rehearse 2012 R2: 6.3.9600). */
  osVersion: z
    .string()
    .regex(/^\d{1,3}\.\d{1,3}\.\d{1,6}$/)
    .default('10.0.20348'),
  elevated: z.boolean(),
  /** When set, every volume reports this many free bytes (to rehearse a full disk). */
  freeBytes: z.number().nonnegative().nullable(),
  /** Pending-reboot markers, to rehearse that finding. */
  pendingReboot: z.array(z.string()).default([]),
  /** Windows Installer busy with another installation (its _MSIExecute mutex held), to rehearse 1618. */
  installerBusy: z.boolean().optional(),
  /** When the practice server last "started": `practice restart` changes it. */
  lastBoot: z.string().optional(),
  /** Files a setup left to be replaced at the restart (PendingFileRenameOperations), server paths. */
  pendingRenames: z.array(z.object({ from: z.string(), to: z.string() })).optional(),
  /** IIS as installed on this server. */
  iis: z
    .object({
      installed: z.boolean(),
      version: z.string().nullable(),
      w3svc: z.enum(['running', 'stopped', 'missing']),
    })
    .default({ installed: true, version: '10.0', w3svc: 'running' }),
  /** A server of a practice farm: its SQL Server is the farm's, one folder up. */
  farm: z.boolean().optional(),
});
export type ServerFile = z.infer<typeof serverFileSchema>;

export const iisFileSchema = z.object({
  sites: z.array(
    z.object({
      name: z.string(),
      appPath: z.string(),
      physicalPath: z.string(),
      pool: z.string(),
      url: z.string(),
      /** As IIS keeps them; a folder made before bindings were modelled has the usual `*:80:`. */
      bindings: z
        .array(z.object({ protocol: z.string(), bindingInformation: z.string() }))
        .default([{ protocol: 'http', bindingInformation: '*:80:' }]),
      /** The maintenance site of a lockout: it answers every request with the page in its folder. */
      maintenanceOf: z.string().optional(),
    }),
  ),
  pools: z.record(
    z.string(),
    z.object({
      state: z.enum(['started', 'stopping', 'stopped']),
      stopRequestedAt: z.string().optional(),
      /** As IIS's autoStart: absent is true, and WAS starting again (an iisreset) starts the pool. */
      autoStart: z.boolean().optional(),
      /** ASP.NET's version, v4.0 when absent: a v2.0 pool answers app_offline.htm with a 404. */
      managedRuntimeVersion: z.enum(['v2.0', 'v4.0']).optional(),
    }),
  ),
});
export type IisFile = z.infer<typeof iisFileSchema>;

export const connectedUserSchema = z.object({
  user: z.string(),
  host: z.string(),
  since: z.string(),
  /** The practice user logs off by themselves at this time (a timer given at init). */
  leavesAt: z.string().optional(),
});

export const sessionGroupSchema = z.object({
  host: z.string(),
  program: z.string(),
  login: z.string(),
  sessions: z.number().int().nonnegative(),
  sleeping: z.number().int().nonnegative(),
});
export type SessionGroup = z.infer<typeof sessionGroupSchema>;

export const databaseFileSchema = z.object({
  name: z.string(),
  schemaVersion: z.string(),
  connectedUsers: z.array(connectedUserSchema),
  /** Sessions from elsewhere than the CRM's pool (someone's SSMS, a report tool), to rehearse with. */
  otherSessions: z.array(sessionGroupSchema).default([]),
  customers: z.array(z.object({ id: z.number(), name: z.string(), city: z.string(), notes: z.string() })),
});
export type DatabaseFile = z.infer<typeof databaseFileSchema>;

export const permissionsSchema = z.object({
  /** The CRM's login, as SQL Server would name it. */
  login: z.string().default('crm_app'),
  sysadmin: z.boolean(),
  dbOwner: z.boolean(),
  backupOperator: z.boolean(),
  viewServerState: z.boolean(),
  createDatabase: z.boolean(),
  /** The restore right over an existing database: dbcreator, or owning it (db_owner is not enough). */
  dbcreator: z.boolean().default(false),
  ownsDatabase: z.boolean().default(false),
});

export const instanceFileSchema = z.object({
  server: z.string(),
  /** What the CRM's login may do; all of it when absent. */
  permissions: permissionsSchema.optional(),
  dataDir: z.string(),
  backupDir: z.string(),
  databases: z.array(z.string()),
});
export type InstanceFile = z.infer<typeof instanceFileSchema>;

/** A practice farm: its servers, each in the folder of its hostname, and the one SQL Server they share. */
export const farmFileSchema = z.object({
  format: z.literal(1),
  kind: z.literal('crm-practice-farm'),
  // NetBIOS names: each is also a folder name, so nothing in it may lead elsewhere.
  servers: z
    .array(z.string().regex(/^[A-Za-z0-9][A-Za-z0-9-]{0,14}$/))
    .min(1)
    .max(9)
    .refine((s) => new Set(s.map((n) => n.toLowerCase())).size === s.length, 'servers repeated'),
  sqlServer: z.string().min(1),
});
export type FarmFile = z.infer<typeof farmFileSchema>;
export const FARM_FILE = 'practice-farm.json';

/** practice-server.json read now, or null when there is none yet (a folder being made) or it is not one. */
function serverFileNow(root: string): ServerFile | null {
  try {
    return serverFileSchema.parse(JSON.parse(readFileSync(path.join(root, 'practice-server.json'), 'utf8')));
  } catch {
    return null;
  }
}

/**
 * The farm a practice server belongs to (its folder, one up, and its file), or null for a server
 * on its own. A server saying `farm: true` is refused unless the farm's file lists its hostname
 * and the server lies in the folder of that name.
 */
export function practiceFarmOf(root: string): { dir: string; file: string; farm: FarmFile } | null {
  const server = serverFileNow(root);
  if (!server?.farm) return null;
  const dir = path.dirname(path.resolve(root));
  const file = path.join(dir, FARM_FILE);
  let farm: FarmFile;
  try {
    farm = farmFileSchema.parse(JSON.parse(readFileSync(file, 'utf8')));
  } catch (err) {
    throw new UpgradeError(msg('practice-farm.farm-missing', { dir: root, farm: file }), String(err));
  }
  const folder = path.basename(path.resolve(root));
  if (!farm.servers.includes(folder) || folder.toLowerCase() !== server.hostname.toLowerCase()) {
    const params = { dir: root, hostname: server.hostname, farm: file, servers: farm.servers.join(', ') };
    throw new UpgradeError(msg('practice-farm.member-unlisted', params));
  }
  return { dir, file, farm };
}

export const paths = (root: string) => {
  /** Where the SQL instance lives: this folder, or the farm's for a farm member (read each time). */
  const sqlRoot = () => practiceFarmOf(root)?.dir ?? root;
  return {
    server: path.join(root, 'practice-server.json'),
    iis: path.join(root, 'iis', 'applicationHost.json'),
    get instance() {
      return path.join(sqlRoot(), 'sql', 'instance.json');
    },
    /** A Windows-looking path of the practice server ("C/inetpub/...") as a real path under the folder. */
    resolve: (p: string, file = root) => insidePractice(root, p, file),
    /** The same, also refused when an existing part of it is a link that leads out of the folder. */
    resolveReal: (p: string, file = root) => realInsidePractice(root, p, file),
    /** A path instance.json names, confined to the SQL instance's folder (a farm member's: the farm). */
    resolveSqlReal: (p: string, file: string) => realInsidePractice(sqlRoot(), p, file),
  };
};

/** True when `target` is `root` or below it (both absolute). */
export function isInsideFolder(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel);
}

/**
 * A path that the practice server's own files name (`file`), as a path under its folder. They
 * write it relative, as `C/inetpub/wwwroot/CRM`: an absolute path, a drive letter, a `..` (or
 * `...`, `. .`, which Windows trims to it) or a NUL would reach real folders, and is refused.
 */
export function insidePractice(root: string, p: string, file: string): string {
  const parts = p.split(/[\\/]/);
  const full = path.join(root, ...parts.filter(Boolean));
  const escapes =
    /^[\\/]/.test(p) ||
    /[:\0]/.test(p) ||
    parts.some((part) => /^[. ]{2,}$/.test(part)) ||
    !isInsideFolder(root, full);
  if (escapes) throw new UpgradeError(msg('practice-edition.path-outside', { path: p, file, root }));
  return full;
}

/** insidePractice, then the deepest existing part of the path seen through its links: still inside. */
export async function realInsidePractice(root: string, p: string, file: string): Promise<string> {
  const full = insidePractice(root, p, file);
  const realRoot = await realpath(root);
  for (let probe = full; ; probe = path.dirname(probe)) {
    const real = await realpath(probe).catch((err: NodeJS.ErrnoException) => {
      if ((err.code === 'ENOENT' || err.code === 'ENOTDIR') && probe !== root) return null;
      throw err;
    });
    if (real === null) continue;
    if (!isInsideFolder(realRoot, real))
      throw new UpgradeError(msg('practice-edition.path-link', { path: p, file, root, target: real }));
    return full;
  }
}

export async function readJson<T>(file: string, schema: z.ZodType<T>): Promise<T> {
  return schema.parse(JSON.parse(await readFile(file, 'utf8')));
}

/** Written whole or not at all, like the real server's own state would be. */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(tmp, 'w');
  try {
    await handle.writeFile(`${JSON.stringify(value, null, 1)}\n`);
    await handle.sync();
  } finally {
    await handle.close();
  }
  await rename(tmp, file);
}
