import type { FarmConnection, FarmServer, FarmStatus } from '../../shared/farm';
import { type Message, msg } from '../../shared/message';
import { sameVersionText } from '../../shared/version-name';
import type { FarmLedger, LedgerEntry } from './ledger';
import { sameHost } from './ledger';
import type { FarmMember } from './members';

/** What the farm view is made from: the ledger, and what the server it is made on observes now. */
export interface FarmStatusInput {
  kitVersion: string;
  ledger: FarmLedger;
  /** The servers known besides the ledger's (this one first, when made on a server). */
  members: readonly FarmMember[];
  /** This server's own entry as its run is now (fresher than the kit's copy), when made on a server. */
  thisEntry?: LedgerEntry | undefined;
  /** The connections and their databases' versions read now; null where they cannot be read. */
  databasesNow?: readonly { connection: string; database: string; version: string | null }[] | undefined;
  now?: Date;
}

const entryFor = (entries: readonly LedgerEntry[], hostname: string) =>
  entries.find((e) => sameHost(e.hostname, hostname));

function allMembers(input: FarmStatusInput, entries: readonly LedgerEntry[]): FarmMember[] {
  const list: FarmMember[] = input.members.map((m) => ({ hostname: m.hostname, sources: [...m.sources] }));
  const add = (hostname: string, source: FarmMember['sources'][number]) => {
    const known = list.find((m) => sameHost(m.hostname, hostname));
    if (!known) list.push({ hostname, sources: [source] });
    else if (!known.sources.includes(source)) known.sources.push(source);
  };
  for (const h of input.ledger.list?.servers ?? []) add(h, 'list');
  for (const e of entries) add(e.hostname, 'ledger');
  return list;
}

/** A server changed something that a farm rollback must put back. */
const changed = (e: LedgerEntry) =>
  e.runState !== 'rolled-back' && (e.lockout === 'on' || e.runState === 'finished' || e.rollbackBegun);

function serverRow(m: FarmMember, e: LedgerEntry | undefined, rollback: boolean): FarmServer {
  return {
    hostname: m.hostname,
    sources: m.sources,
    isThis: m.sources.includes('this'),
    codeVersion: e?.codeVersion ?? null,
    lockout: e ? e.lockout : 'unknown',
    pools: e ? e.pools : 'unknown',
    runState: e?.runState ?? null,
    step: e?.step
      ? { id: e.step.id, status: e.step.status, ...(e.step.waitsOnFarm ? { waitsOnFarm: true } : {}) }
      : null,
    updatedAt: e?.updatedAt ?? null,
    mustRollBack: rollback && e !== undefined && changed(e),
  };
}

/** Each connection: its version now (or the latest a server wrote), and which server did what with it. */
function connectionRows(input: FarmStatusInput, entries: readonly LedgerEntry[]): FarmConnection[] {
  const names = new Map<string, string>();
  for (const d of input.databasesNow ?? []) names.set(d.connection, d.database);
  for (const e of entries)
    for (const d of e.databases) if (!names.has(d.connection)) names.set(d.connection, d.database);
  const at = (input.now ?? new Date()).toISOString();
  return [...names].map(([connection, database]) => {
    const now = input.databasesNow?.find((d) => d.connection === connection && d.version !== null);
    const seen = entries
      .flatMap((e) => e.databases.filter((d) => d.connection === connection))
      .sort((a, b) => b.at.localeCompare(a.at))[0];
    const by = (pick: (e: LedgerEntry) => { connection: string; at: string }[]) =>
      entries
        .flatMap((e) => pick(e).map((x) => ({ host: e.hostname, at: x.at, connection: x.connection })))
        .filter((x) => x.connection === connection)
        .sort((a, b) => b.at.localeCompare(a.at))[0]?.host ?? null;
    const backedUpBy =
      entries.flatMap((e) => e.backups.filter((b) => b.connection === connection && b.verified))[0]
        ?.takenBy ?? null;
    return {
      connection,
      database,
      version: now?.version ?? seen?.version ?? null,
      seenAt: now ? at : (seen?.at ?? null),
      backedUpBy,
      updatedBy: by((e) => e.updates),
      restoredBy: by((e) => e.restores),
    };
  });
}

const next = (server: string | null, message: Message) => ({ server, message });

function rollbackNext(servers: FarmServer[], connections: FarmConnection[], from: string | null) {
  const version = from ?? '?';
  const open = servers.find((s) => s.mustRollBack && s.lockout === 'off');
  if (open) return next(open.hostname, msg('farm.next.roll-back-open', { server: open.hostname, version }));
  const todo = servers.filter((s) => s.mustRollBack);
  const dbMoved = connections.some(
    (c) => c.version !== null && from !== null && !sameVersionText(c.version, from),
  );
  const first = todo.find((s) => s.runState === 'rolling-back' || s.runState === 'paused') ?? todo[0];
  if (first)
    return next(
      first.hostname,
      msg(dbMoved ? 'farm.next.roll-back-databases' : 'farm.next.roll-back', {
        server: first.hostname,
        version,
      }),
    );
  return next(null, msg('farm.next.rolled-back', { version }));
}

function forwardNext(servers: FarmServer[], entries: readonly LedgerEntry[], kit: string) {
  if (servers.length === 0) return next(null, msg('farm.next.none'));
  const never = servers.find((s) => s.runState === null);
  if (never) return next(never.hostname, msg('farm.next.start', { server: never.hostname }));
  const unfinished = servers.filter((s) => s.runState !== 'finished');
  const byAdmin = unfinished.find((s) => !entryFor(entries, s.hostname)?.step?.waitsOnFarm);
  if (byAdmin) {
    const step = byAdmin.step?.id ?? '-';
    return next(byAdmin.hostname, msg('farm.next.continue', { server: byAdmin.hostname, step }));
  }
  const waiting = unfinished.sort((a, b) => (a.updatedAt ?? '').localeCompare(b.updatedAt ?? ''))[0];
  if (waiting) return next(waiting.hostname, msg('farm.next.check-again', { server: waiting.hostname }));
  return next(null, msg('farm.next.done', { version: kit }));
}

/** The farm as the ledger and this server's facts show it, with the next thing to do and where. */
export function farmStatus(input: FarmStatusInput): FarmStatus {
  const kit = input.kitVersion;
  const entries = input.ledger.entries.map((e) =>
    input.thisEntry && sameHost(e.hostname, input.thisEntry.hostname) ? input.thisEntry : e,
  );
  if (input.thisEntry && !entryFor(entries, input.thisEntry.hostname)) entries.push(input.thisEntry);
  const rollback = entries.some((e) => e.rollbackBegun);
  const servers = allMembers(input, entries).map((m) =>
    serverRow(m, entryFor(entries, m.hostname), rollback),
  );
  const connections = connectionRows(input, entries);
  const fromVersion = entries.map((e) => e.fromVersion).find((v) => v !== null) ?? null;
  // No server known (a kit no server has run with yet): nothing done is not a farm done.
  const complete =
    !rollback &&
    servers.length > 0 &&
    servers.every(
      (s) =>
        s.runState === 'finished' &&
        s.lockout === 'off' &&
        s.codeVersion !== null &&
        sameVersionText(s.codeVersion, kit),
    ) &&
    connections.every((c) => c.version !== null && sameVersionText(c.version, kit));
  return {
    kitVersion: kit,
    fromVersion,
    servers,
    connections,
    next: rollback ? rollbackNext(servers, connections, fromVersion) : forwardNext(servers, entries, kit),
    complete,
    rollback,
    problems: input.ledger.problems,
    at: (input.now ?? new Date()).toISOString(),
  };
}
