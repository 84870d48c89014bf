import {
  farmServerNameSchema,
  type FarmConnection,
  type FarmServer,
  type FarmStatus,
} from '../../../electron/shared/farm';
import { isMessageKey } from '../../../electron/shared/message';
import type { ShownMessage } from '../i18n';

/** The contract's bound on setFarmServers' list (electron/shared/contract.ts). */
export const FARM_SERVERS_MAX = 32;

/**
 * A farm of one server with nothing to report: the window shows it as one line, since the run
 * banner already says what to do next on the only server there is.
 */
export function isQuietFarm(farm: FarmStatus): boolean {
  return (
    farm.servers.length <= 1 &&
    farm.problems.length === 0 &&
    !farm.rollback &&
    !farm.servers.some((s) => s.mustRollBack)
  );
}

/** Windows computer names ignore case: CRM-APP02 and crm-app02 are one server. */
const sameName = (a: string, b: string) => a.toUpperCase() === b.toUpperCase();

/**
 * The list the admin confirms: the servers the farm knows of, plus the names typed (comma, semicolon
 * or space separated), each a Windows computer name. A problem instead when a name is not one,
 * when nothing new was typed, or when the list would exceed the contract's bound.
 */
export function serversToAdd(
  text: string,
  known: readonly string[],
): { names: string[] } | { problem: ShownMessage } {
  const typed = text.split(/[\s,;]+/).filter((part) => part !== '');
  if (typed.length === 0) return { problem: { key: 'ui.farm.add.empty' } };
  const names = [...known];
  for (const part of typed) {
    const parsed = farmServerNameSchema.safeParse(part);
    if (!parsed.success) return { problem: { key: 'ui.farm.add.badName', params: { name: part } } };
    if (!names.some((n) => sameName(n, parsed.data))) names.push(parsed.data);
  }
  if (names.length === known.length) {
    return { problem: { key: 'ui.farm.add.known', params: { names: typed.join(', ') } } };
  }
  if (names.length > FARM_SERVERS_MAX) {
    return { problem: { key: 'ui.farm.add.tooMany', params: { max: FARM_SERVERS_MAX } } };
  }
  return { names };
}

/**
 * The title of the step a server's run stands at, from its id alone (another server's steps are
 * not in this session): `step.<base>.title`, with the connection or folder named after the ':'.
 * Null when the catalogue has no such title: the window then shows the id itself.
 */
export function farmStepTitle(
  step: NonNullable<FarmServer['step']>,
  connections: readonly FarmConnection[],
): ShownMessage | null {
  const colon = step.id.indexOf(':');
  const base = colon < 0 ? step.id : step.id.slice(0, colon);
  const key = `step.${base}.title`;
  if (!isMessageKey(key)) return null;
  if (colon < 0) return { key };
  const part = step.id.slice(colon + 1);
  const database = connections.find((c) => c.connection === part)?.database ?? part;
  return { key, params: { connection: part, database, name: part } };
}
