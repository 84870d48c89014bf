import type { FarmSource } from '../../shared/farm';
import type { CrmConnection, Host, SessionGroup } from '../ports';
import { type FarmLedger, sameHost } from './ledger';

/** A server of the farm and how it is known. */
export interface FarmMember {
  hostname: string;
  sources: FarmSource[];
}

/** What names the farm's servers, besides this one: each source may be empty. */
export interface MemberSources {
  list: readonly string[];
  profile: readonly string[];
  ledger: readonly string[];
  sessions: readonly string[];
}

/** This server first, then every other once, in the order the sources name them. */
export function mergeMembers(thisHost: string, sources: MemberSources): FarmMember[] {
  const members: FarmMember[] = [{ hostname: thisHost, sources: ['this'] }];
  const add = (hostname: string, source: FarmSource) => {
    const known = members.find((m) => sameHost(m.hostname, hostname));
    if (!known) members.push({ hostname, sources: [source] });
    else if (!known.sources.includes(source)) known.sources.push(source);
  };
  for (const h of sources.list) add(h, 'list');
  for (const h of sources.profile) add(h, 'profile');
  for (const h of sources.ledger) add(h, 'ledger');
  for (const h of sources.sessions) add(h, 'sessions');
  return members;
}

/** The servers the kit's ledger names: its list and every server that wrote an entry. */
export const ledgerHosts = (ledger: FarmLedger): { list: string[]; ledger: string[] } => ({
  list: ledger.list?.servers ?? [],
  ledger: ledger.entries.map((e) => e.hostname),
});

/**
 * The CRM's sessions on a database from another host: the CRM's own login (the connection's,
 * as SQL Server names it), or any login from a server the farm already knows.
 */
export function crmSessionsFromOthers(
  groups: readonly SessionGroup[],
  thisHost: string,
  crmLogin: string,
  known: readonly string[],
): SessionGroup[] {
  return groups.filter(
    (g) =>
      g.host !== '' &&
      !sameHost(g.host, thisHost) &&
      // The CRM's pools connect through ASP.NET's SqlClient; a report tool or SSMS under its login does not.
      /SqlClient Data Provider/i.test(g.program) &&
      ((crmLogin !== '' && g.login.toLowerCase() === crmLogin.toLowerCase()) ||
        known.some((k) => sameHost(k, g.host))),
  );
}

/**
 * Hosts seen holding CRM sessions on any connection, as far as this server can see them now. A
 * connection this server cannot ask (rights, credentials still to give) is left out: the gates
 * ask again, and refuse what they cannot see.
 */
export async function hostsWithCrmSessions(
  host: Host,
  connections: readonly CrmConnection[],
  thisHost: string,
  known: readonly string[],
): Promise<string[]> {
  const seen: string[] = [];
  for (const c of connections) {
    try {
      const { trusted, groups } = await host.databases.sqlSessions(c);
      if (!trusted) continue;
      const login = (await host.databases.permissions(c)).login;
      for (const g of crmSessionsFromOthers(groups, thisHost, login, known))
        if (!seen.some((s) => sameHost(s, g.host))) seen.push(g.host);
    } catch {
      continue;
    }
  }
  return seen;
}
