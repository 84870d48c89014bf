import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { type FarmStatus, farmServerNameSchema } from '../../shared/farm';
import { UpgradeError, msg } from '../../shared/message';
import type { CrmConnection, Host } from '../ports';
import type { Profile } from '../profile';
import type { FarmContext } from '../run/context';
import { JOURNAL_FILE, SERVER_RUNS, journalState, readJournal } from '../run/journal';
import { versionOrNull } from '../steps/artifacts';
import {
  type FarmLedger,
  type LedgerEntry,
  installationOf,
  readLedger,
  sameHost,
  writeFarmList,
} from './ledger';
import { hostsWithCrmSessions, ledgerHosts, mergeMembers } from './members';
import { farmStatus } from './status';

export interface FarmOpening {
  host: Host;
  kitDir: string;
  kitVersion: string;
  hostname: string;
  profile: Profile;
  connections: readonly CrmConnection[];
  /** The admin's list given on the command line (--farm-servers): a confirmation, written onto the kit. */
  confirmedServers?: readonly string[] | undefined;
}

/** The list as the admin confirmed it: this server always in it, each name once. */
function confirmedList(hostname: string, servers: readonly string[]): string[] {
  const list = [hostname];
  for (const s of servers) if (!list.some((l) => sameHost(l, s))) list.push(s);
  return list;
}

/**
 * The farm as this server finds it when the session opens: the kit's ledger and list, the
 * profile's servers, and the CRM sessions SQL Server shows from other hosts.
 */
export async function openFarm(o: FarmOpening): Promise<FarmContext> {
  const installation = installationOf(o.hostname, o.connections);
  const alone = farmContext(o.kitDir, o.kitVersion, o.hostname, undefined, installation);
  if (o.confirmedServers && o.confirmedServers.length > 0) await alone.confirm(o.confirmedServers);
  const found = ledgerHosts(await alone.ledger());
  const named = [...found.list, ...(o.profile.farm?.servers ?? []), ...found.ledger];
  const seen = await hostsWithCrmSessions(o.host, o.connections, o.hostname, named);
  const known = mergeMembers(o.hostname, {
    list: found.list,
    profile: o.profile.farm?.servers ?? [],
    ledger: found.ledger,
    sessions: seen,
  });
  return { ...alone, known };
}

/** The farm's ledger on the kit at `kitDir`, as the server `hostname` reads and writes it. */
export function farmContext(
  kitDir: string,
  kitVersion: string,
  hostname: string,
  known: FarmContext['known'] = [{ hostname, sources: ['this'] }],
  installation = '',
): FarmContext {
  return {
    known,
    installation,
    ledger: () => readLedger(kitDir, kitVersion, installation),
    async confirm(servers) {
      await writeFarmList(kitDir, {
        format: 1,
        kind: 'crm-farm',
        kitVersion,
        installation,
        servers: confirmedList(hostname, servers),
        confirmedBy: hostname,
        confirmedAt: new Date().toISOString(),
      });
    },
  };
}

/** The farm view made on this server: the ledger, this run's own entry, the databases' versions read now. */
export async function farmStatusHere(
  farm: FarmContext,
  o: Pick<FarmOpening, 'host' | 'kitVersion' | 'connections'>,
  thisEntry: LedgerEntry | undefined,
): Promise<FarmStatus> {
  const ledger: FarmLedger = await farm.ledger();
  const databasesNow = [];
  for (const c of o.connections) {
    const version = await versionOrNull(o, c).catch(() => null);
    databasesNow.push({ connection: c.name, database: c.database, version });
  }
  return farmStatus({ kitVersion: o.kitVersion, ledger, members: farm.known, thisEntry, databasesNow });
}

/**
 * A farm rollback reaches a server whose run had finished (issue 15): its latest finished run with
 * this kit, whose journal on the server says what to undo. Null when there is none.
 */
export async function finishedRunOfKit(stateDir: string, kitVersion: string): Promise<string | null> {
  const runsDir = path.join(stateDir, SERVER_RUNS);
  const names = await readdir(runsDir).catch(() => [] as string[]);
  for (const name of names.sort().reverse()) {
    const file = path.join(runsDir, name, JOURNAL_FILE);
    if ((await journalState(file).catch(() => 'absent')) !== 'finished') continue;
    const [head] = await readJournal(file);
    if (head?.t === 'run' && head.kitVersion === kitVersion) return file;
  }
  return null;
}

/** Whether the ledger says the farm is rolling back: another server's rollback has begun. */
export async function farmRollingBack(farm: FarmContext, hostname: string): Promise<boolean> {
  const ledger = await farm.ledger();
  return ledger.entries.some((e) => e.rollbackBegun && !sameHost(e.hostname, hostname));
}

/** The names the admin gave, checked: refused as a whole when one is not a computer name. */
export function farmServersProblem(names: readonly string[]): UpgradeError | null {
  const bad = names.find((n) => !farmServerNameSchema.safeParse(n).success);
  return bad === undefined
    ? null
    : new UpgradeError(msg('farm.server-name-invalid', { name: bad.slice(0, 40) }));
}

/**
 * The farm as the kit alone tells it (`farm status`, the demo, from any computer): every entry of
 * the kit's version; a stick that served several installations is said, never mixed silently.
 */
export async function farmStatusOnKit(kitDir: string, kitVersion: string): Promise<FarmStatus> {
  const ledger = await readLedger(kitDir, kitVersion);
  const installations = [...new Set(ledger.entries.map((e) => e.installation))];
  if (installations.length > 1)
    ledger.problems.push(
      msg('farm.ledger.several-installations', { installations: installations.join(' | ') }),
    );
  return farmStatus({ kitVersion, ledger, members: [] });
}
