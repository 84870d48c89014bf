import { type Message, msg } from '../../../shared/message';

/** What the app was doing when SQL Server answered with errors: each says its own failures. */
export type SqlOperation = 'backup' | 'verify' | 'restore' | 'probe';

export interface OperationContext {
  connection: string;
  database?: string;
  /** The backup file, as the SQL Server machine sees it. */
  path?: string;
  operation?: SqlOperation;
}

/**
 * Refusals for want of a right: 262 (BACKUP DATABASE / CREATE DATABASE permission denied), 3110
 * (no permission to RESTORE), 5011 (no permission to ALTER DATABASE), 229 (EXECUTE denied on an
 * xp_), 300 (VIEW SERVER STATE denied), 15247 (no permission to perform this action).
 */
const PERMISSION_DENIED = new Set([262, 3110, 5011, 229, 300, 15247]);
/** 3201: "Cannot open backup device … Operating system error N". */
const DEVICE_UNOPENED = 3201;
/** The backup's bytes are wrong: a checksum, a damaged page, a torn or foreign media family. */
const MEDIA_DAMAGED = new Set([3183, 3189, 3241, 3242, 3243, 3203, 3266]);
/** 3101: "Exclusive access could not be obtained because the database is in use." */
const IN_USE = 3101;

const PERMISSION_KEYS = {
  backup: 'sql.backup-permission-denied',
  verify: 'sql.verify-permission-denied',
  restore: 'sql.restore-permission-denied',
  probe: 'sql.probe-no-right',
} as const;

/** Every numbered message of the chain, as the admin reads it: "3201: … | 3013: …". */
export const chainText = (chain: { number: number; message: string }[]): string =>
  chain
    .filter((m) => m.number)
    .map((m) => `${m.number}: ${m.message}`)
    .join(' | ');

/**
 * The admin's message for a backup, a verify, a restore or a folder probe that SQL Server
 * refused, from the whole chain of its errors (the cause comes first, 3013 last); null when
 * nothing here knows it (the generic mapping then names the first error).
 */
export function operationFailure(
  chain: { number: number; message: string }[],
  context: OperationContext,
): Message | null {
  const numbers = new Set(chain.map((m) => m.number));
  const params = {
    connection: context.connection,
    database: context.database ?? '',
    path: context.path ?? '',
    errors: chainText(chain),
  };
  const operation = context.operation;
  const osAccessDenied = chain.some(
    (m) => m.number === DEVICE_UNOPENED && /\b5\b|access is denied|accesso negato/i.test(m.message),
  );
  if (!operation) return osAccessDenied ? msg('sql.backup-access-denied', { path: params.path }) : null;
  if ([...numbers].some((n) => PERMISSION_DENIED.has(n))) return msg(PERMISSION_KEYS[operation], params);
  if (operation === 'probe') return numbers.has(DEVICE_UNOPENED) ? msg('sql.probe-failed', params) : null;
  if (operation === 'backup')
    return osAccessDenied ? msg('sql.backup-access-denied', { path: params.path }) : null;
  if ([...numbers].some((n) => MEDIA_DAMAGED.has(n)))
    return msg(operation === 'verify' ? 'sql.verify-failed' : 'sql.backup-file-damaged', params);
  if (numbers.has(DEVICE_UNOPENED)) return msg('sql.backup-file-unreadable', params);
  if (operation === 'restore' && numbers.has(IN_USE)) return msg('sql.restore-in-use', params);
  return operation === 'restore' ? msg('sql.restore-failed', params) : null;
}
