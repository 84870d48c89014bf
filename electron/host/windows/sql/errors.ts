import { UpgradeError, msg } from '../../../shared/message';

interface SqlErrorLike {
  number?: number;
  message?: string;
  code?: string;
  precedingErrors?: { number?: number; message?: string }[];
  originalError?: { message?: string; code?: string };
}

const asSqlError = (err: unknown): SqlErrorLike =>
  typeof err === 'object' && err !== null ? (err as SqlErrorLike) : { message: String(err) };

/** Every message SQL Server sent for a failure, earliest first: the real cause is rarely the last one. */
export function allSqlMessages(err: unknown): { number: number; message: string }[] {
  const e = asSqlError(err);
  return [
    ...(e.precedingErrors ?? []).map((p) => ({ number: p.number ?? 0, message: p.message ?? '' })),
    { number: e.number ?? 0, message: e.message ?? String(err) },
  ];
}

/** An mssql failure as the admin should read it; the technical chain goes into the detail. */
export function toUpgradeError(err: unknown, context: { connection: string; path?: string }): UpgradeError {
  const e = asSqlError(err);
  const chain = allSqlMessages(err);
  const detail = chain.map((m) => (m.number ? `${m.number}: ${m.message}` : m.message)).join(' | ');
  if (e.code === 'ELOGIN')
    return new UpgradeError(
      msg('sql.login-failed', { connection: context.connection, detail: e.message ?? '' }),
      detail,
    );
  if (e.code === 'ECONNRESET' || (e.code === 'ESOCKET' && /hang up|reset|closed/i.test(e.message ?? ''))) {
    return new UpgradeError(msg('sql.connection-lost', { connection: context.connection }), detail);
  }
  if (e.code === 'ESOCKET' || e.code === 'ETIMEOUT' || e.code === 'EINSTLOOKUP' || e.code === 'ECONNCLOSED') {
    return new UpgradeError(
      msg('sql.connect-failed', { connection: context.connection, server: e.message ?? '' }),
      detail,
    );
  }
  // 3201 "Cannot open backup device … Operating system error 5": the service account lacks rights.
  const denied = chain.find(
    (m) => m.number === 3201 && /\b5\b|access is denied|accesso negato/i.test(m.message),
  );
  if (denied) return new UpgradeError(msg('sql.backup-access-denied', { path: context.path ?? '' }), detail);
  const first = chain.find((m) => m.number) ?? chain[0];
  return new UpgradeError(
    msg('sql.error', { number: first?.number ?? 0, detail: chain.map((m) => m.message).join(' ') }),
    detail,
  );
}
