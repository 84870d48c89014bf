import { mkdir, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { UpgradeError, msg } from '../../shared/message';
import {
  CONNECTIONS,
  FROM_VERSION,
  SERVICES_DIR,
  crmFiles,
  mobileFiles,
  pseudoRandomBytes,
  servicesFiles,
  webConfig,
} from './content';
import {
  type DatabaseFile,
  type IisFile,
  type InstanceFile,
  type ServerFile,
  insidePractice,
  paths,
  writeJsonAtomic,
} from './layout';

export interface PracticeInitOptions {
  hostname?: string;
  /** The connected practice user logs off by themselves after this many seconds; absent: stays until logged off. */
  userLeavesAfterSeconds?: number;
  /** Licence modules, as "Moduli:" lists them. */
  modules?: string;
  withMobile?: boolean;
  /** The CRM's web services folder beside it (a kit whose setup "touches" it changes it). */
  withServices?: boolean;
  /** Windows' version as os.release() says it (10.0.20348, Server 2022, unless set). */
  windowsVersion?: string;
  now?: Date;
}

async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

const CRM_DIR = 'C/inetpub/wwwroot/CRM';
const MOBILE_DIR = 'C/inetpub/wwwroot/CRMMobile';
const SQL_ROOT = 'C/Program Files/Microsoft SQL Server/MSSQL16.SQLEXPRESS/MSSQL';

/** Creates a practice server: a folder that behaves, to the engine, like a Windows server with the CRM installed. */
export async function initPracticeServer(dir: string, options: PracticeInitOptions = {}): Promise<void> {
  await makeEmptyFolder(dir);
  const instance: InstanceFile = {
    server: '.\\SQLEXPRESS',
    dataDir: `${SQL_ROOT}/DATA`,
    backupDir: `${SQL_ROOT}/Backup`,
    databases: CONNECTIONS.map((c) => c.database),
  };
  await writeSqlInstance(dir, instance, options);
  await writeApplicationServer(dir, options, { sqlServer: instance.server, farm: false });
}

/** A practice server or farm is made in a new or empty folder only: it never mixes with other files. */
export async function makeEmptyFolder(dir: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  if ((await readdir(dir)).length > 0) throw new UpgradeError(msg('practice.init.not-empty', { dir }));
}

/**
 * The machine, its IIS and the CRM's folders, whose web.config names `sqlServer`: a practice
 * server but its SQL Server (its own, or on a farm the farm's).
 */
export async function writeApplicationServer(
  dir: string,
  options: PracticeInitOptions,
  sql: { sqlServer: string; farm: boolean },
): Promise<void> {
  await mkdir(dir, { recursive: true });
  const now = options.now ?? new Date();
  const p = paths(dir);
  const withMobile = options.withMobile ?? true;

  const server: ServerFile = {
    format: 1,
    kind: 'crm-practice-server',
    hostname: options.hostname ?? 'CRM-APP01',
    osArch: 'x64',
    osVersion: options.windowsVersion ?? '10.0.20348',
    elevated: true,
    freeBytes: null,
    pendingReboot: [],
    iis: { installed: true, version: '10.0', w3svc: 'running' },
    ...(sql.farm ? { farm: true } : {}),
  };
  await writeJsonAtomic(p.server, server);

  const iis: IisFile = {
    sites: [
      {
        name: 'CRM',
        appPath: '/',
        physicalPath: CRM_DIR,
        pool: 'CRMAppPool',
        url: 'http://localhost/CRM',
        bindings: [
          { protocol: 'http', bindingInformation: '*:80:' },
          { protocol: 'https', bindingInformation: '*:443:crm.azienda.local' },
        ],
      },
    ],
    pools: { CRMAppPool: { state: 'started' } },
  };
  if (withMobile) {
    iis.sites.push({
      name: 'CRM-Mobile',
      appPath: '/',
      physicalPath: MOBILE_DIR,
      pool: 'CRMMobilePool',
      url: 'http://localhost/CRMMobile',
      bindings: [{ protocol: 'http', bindingInformation: '*:8081:' }],
    });
    iis.pools.CRMMobilePool = { state: 'started' };
  }
  await mkdir(path.dirname(p.iis), { recursive: true });
  await writeJsonAtomic(p.iis, iis);

  const app = p.resolve(CRM_DIR);
  await writeTree(app, {
    ...crmFiles(FROM_VERSION),
    'web.config': webConfig(sql.sqlServer),
    'js/legacy.js': '// removed by 7.8.5\n',
    'images/logo.png': pseudoRandomBytes('logo.png', 24_000),
    'Upload/documenti/contratto-assistenza.pdf': pseudoRandomBytes('contratto.pdf', 160_000),
    'App_Data/licenza.txt': `Cliente: Azienda di prova S.r.l.\nScadenza assistenza: 31/12/2027\nModuli: ${options.modules ?? '0, 3, 7'}\n`,
    'App_Data/Logs/crm.log': `${now.toISOString()} CRM avviato\n`,
  });
  await mkdir(path.join(app, 'Temp'), { recursive: true });
  if (withMobile)
    await writeTree(p.resolve(MOBILE_DIR), {
      ...mobileFiles(FROM_VERSION),
      'web.config': webConfig(sql.sqlServer),
    });
  if (options.withServices) await writeTree(p.resolve(SERVICES_DIR), servicesFiles(FROM_VERSION));
}

/**
 * A practice SQL Server instance in `home`: sql/instance.json, its data and backup folders
 * (named relative to `home`) and the CRM's databases, the practice user connected to the first.
 */
export async function writeSqlInstance(
  home: string,
  instance: InstanceFile,
  options: Pick<PracticeInitOptions, 'userLeavesAfterSeconds' | 'now'>,
): Promise<void> {
  const now = options.now ?? new Date();
  const file = path.join(home, 'sql', 'instance.json');
  await mkdir(path.dirname(file), { recursive: true });
  await writeJsonAtomic(file, instance);
  const dataDir = insidePractice(home, instance.dataDir, file);
  await mkdir(dataDir, { recursive: true });
  await mkdir(insidePractice(home, instance.backupDir, file), { recursive: true });

  for (const [i, c] of CONNECTIONS.entries()) {
    const db: DatabaseFile = {
      name: c.database,
      schemaVersion: FROM_VERSION,
      connectedUsers:
        i === 0
          ? [
              {
                user: 'mrossi',
                host: 'PC-VENDITE-03',
                since: new Date(now.getTime() - 25 * 60_000).toISOString(),
                ...(options.userLeavesAfterSeconds !== undefined
                  ? {
                      leavesAt: new Date(now.getTime() + options.userLeavesAfterSeconds * 1000).toISOString(),
                    }
                  : {}),
              },
            ]
          : [],
      otherSessions: [],
      customers: Array.from({ length: 4000 }, (_, n) => ({
        id: n + 1,
        name: `Cliente ${n + 1}`,
        city: ['Milano', 'Torino', 'Bologna', 'Napoli', 'Padova'][n % 5] ?? 'Roma',
        notes: pseudoRandomBytes(`${c.database}-${n}`, 96).toString('base64'),
      })),
    };
    await writeJsonAtomic(path.join(dataDir, `${c.database}.json`), db);
  }
}
