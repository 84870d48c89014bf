import type { CrmConnection, DatabaseBackup } from '../../../core/ports';
import { UpgradeError, msg } from '../../../shared/message';
import { type OperationContext, chainText } from './backup-errors';
import { allSqlMessages, toUpgradeError } from './errors';
import { quoteDatabaseName } from './identifiers';
import * as Q from './statements';

export interface DatabaseState {
  state: string;
  access: string;
}

/** The restore's one connection to master: every statement of it goes there, in order. */
export interface RestoreConnection {
  /** A statement never cancelled by a timer; SQL Server's errors come back as mssql threw them. */
  run(text: string, params: RestoreParams, onProgress?: (percent: number) => void): Promise<void>;
  /** sys.databases' row for the database, undefined when there is none. */
  state(database: string): Promise<DatabaseState | undefined>;
}

export type RestoreParams = Partial<Record<'database' | 'path' | 'position', string | number>>;

const detailOf = (err: unknown): string => chainText(allSqlMessages(err)) || String(err);

/**
 * Puts the database back from its backup, every statement on one connection:
 *   ALTER DATABASE … SET OFFLINE WITH ROLLBACK IMMEDIATE (only from ONLINE: a database an earlier
 *   attempt left RESTORING or OFFLINE admits no one already, and RESTORE goes over it);
 *   RESTORE DATABASE … REPLACE, CHECKSUM;
 *   finally ALTER DATABASE … SET ONLINE (a no-op after a restore; brings back a database whose
 *   restore never began).
 * No TRY/CATCH: mssql hands over every error SQL Server sent (3201, 3183 … then 3013), and the
 * admin reads them all. A database left RESTORING says so, with what to do.
 */
export async function restoreDatabaseOn(
  conn: RestoreConnection,
  c: CrmConnection,
  b: DatabaseBackup,
  onProgress: (percent: number) => void,
): Promise<void> {
  const quoted = quoteDatabaseName(b.database);
  const context: OperationContext = {
    connection: c.name,
    database: b.database,
    path: b.path,
    operation: 'restore',
  };
  const takenOffline = (await conn.state(b.database))?.state === 'ONLINE';
  let failure: unknown;
  let finallyFailure: unknown;
  try {
    if (takenOffline) await conn.run(Q.takeOffline(quoted), {});
    await conn.run(
      Q.RESTORE_DATABASE,
      { database: b.database, path: b.path, position: b.position },
      onProgress,
    );
  } catch (err) {
    failure = err;
  } finally {
    if (takenOffline)
      await conn.run(Q.bringOnline(quoted), {}).catch((err: unknown) => (finallyFailure = err));
  }
  // Unreadable (the connection lost): the failure, if any, still says what happened.
  const after = await conn.state(b.database).catch(() => undefined);
  const refusal = restoreRefusal(after, failure, finallyFailure, context);
  if (refusal) throw refusal;
}

/** What the admin is told after the restore's statements, from the database's state and every error kept. */
function restoreRefusal(
  after: DatabaseState | undefined,
  failure: unknown,
  finallyFailure: unknown,
  context: OperationContext,
): UpgradeError | null {
  const detail = [failure, finallyFailure].filter(Boolean).map(detailOf).join(' | then: ');
  const errors = failure ? chainText(allSqlMessages(failure)) : '';
  if (after?.state === 'RESTORING')
    return new UpgradeError(msg('sql.restore-left-restoring', { ...params(context), errors }), detail);
  if (failure) {
    // Back ONLINE: the database is as it was, the cause says itself. Otherwise (OFFLINE,
    // SUSPECT …) the chain as it is: a retry restores over such a database.
    const cause = after?.state === 'ONLINE' ? toUpgradeError(failure, context).message_ : null;
    return new UpgradeError(cause ?? msg('sql.restore-failed', { ...params(context), errors }), detail);
  }
  if (after?.state === 'ONLINE' && after.access === 'MULTI_USER') return null;
  const state = {
    database: context.database ?? '',
    state: after?.state ?? '?',
    access: after?.access ?? '?',
  };
  return new UpgradeError(msg('sql.restore-state', state), detail || undefined);
}

const params = (context: OperationContext) => ({
  connection: context.connection,
  database: context.database ?? '',
  path: context.path ?? '',
});
