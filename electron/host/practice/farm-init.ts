import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import { CONNECTIONS } from './content';
import { type PracticeInitOptions, makeEmptyFolder, writeApplicationServer, writeSqlInstance } from './init';
import { FARM_FILE, type FarmFile, type InstanceFile, paths, writeJsonAtomic } from './layout';

export interface PracticeFarmOptions extends Omit<PracticeInitOptions, 'hostname'> {
  /** How many load-balanced application servers: 1 to 9. */
  servers: number;
}

export interface PracticeFarm {
  dir: string;
  servers: { hostname: string; dir: string }[];
  sqlServer: string;
  /** The shared instance's file. */
  instance: string;
}

/** A real farm's SQL Server is a machine of its own, which every application server's web.config names. */
export const FARM_SQL_SERVER = 'CRM-SQL01';
export const MAX_FARM_SERVERS = 9;

export const farmServerName = (n: number) => `CRM-APP${String(n).padStart(2, '0')}`;

/**
 * Creates a practice farm: `dir/<hostname>/` for each of N practice servers behind a load
 * balancer, with no SQL Server of their own, and in `dir/sql/` the one instance they all use.
 */
export async function initPracticeFarm(dir: string, options: PracticeFarmOptions): Promise<PracticeFarm> {
  const { servers: count, ...init } = options;
  if (!Number.isInteger(count) || count < 1 || count > MAX_FARM_SERVERS)
    throw new UpgradeError(msg('practice-farm.servers-out-of-range', { servers: String(count) }));
  await makeEmptyFolder(dir);
  const names = Array.from({ length: count }, (_, i) => farmServerName(i + 1));
  const farm: FarmFile = { format: 1, kind: 'crm-practice-farm', servers: names, sqlServer: FARM_SQL_SERVER };
  await writeJsonAtomic(path.join(dir, FARM_FILE), farm);
  const instance: InstanceFile = {
    server: FARM_SQL_SERVER,
    dataDir: 'sql/DATA',
    backupDir: 'sql/Backup',
    databases: CONNECTIONS.map((c) => c.database),
  };
  await writeSqlInstance(dir, instance, init);
  const members = names.map((hostname) => ({ hostname, dir: path.join(dir, hostname) }));
  for (const m of members)
    await writeApplicationServer(
      m.dir,
      { ...init, hostname: m.hostname },
      { sqlServer: FARM_SQL_SERVER, farm: true },
    );
  return { dir, servers: members, sqlServer: FARM_SQL_SERVER, instance: paths(dir).instance };
}
