import { type Message, UpgradeError, msg } from '../../../shared/message';
import { type OperationContext, operationFailure } from './backup-errors';
import { LOGIN_WITHOUT_TLS, tlsNegotiationFailure } from './login-over-tls';

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

/** Node's codes for a certificate that does not validate (OpenSSL's, and the host name check). */
const CERTIFICATE_CODES =
  /^(ERR_TLS_CERT_ALTNAME_INVALID|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_(GET_ISSUER_CERT(_LOCALLY)?|VERIFY_LEAF_SIGNATURE)|CERT_[A-Z_]+)$/;

/** The certificate problem behind a failed connection (mssql → tedious → TLS), or null. */
function certificateFailure(err: unknown): string | null {
  let link: unknown = err;
  for (let depth = 0; depth < 5 && typeof link === 'object' && link !== null; depth += 1) {
    const { code, originalError, cause } = link as {
      code?: unknown;
      originalError?: unknown;
      cause?: unknown;
    };
    if (typeof code === 'string' && CERTIFICATE_CODES.test(code)) return code;
    link = originalError ?? cause;
  }
  return null;
}

/** Where a connection was going, for its failures (connection-config.ts fills it in). */
export interface ConnectionContext {
  /** A named instance asked of the SQL Server Browser, and its server. */
  instance?: string;
  server?: string;
  /** The login is the one the admin typed (not web.config's). */
  typedCredentials?: boolean;
}

/**
 * Failures of opening a connection that have their own finding: no TLS where the login needs
 * it, a certificate, a TLS negotiation (a server without TLS 1.2), a server forcing encryption,
 * a named instance the SQL Server Browser does not answer for.
 */
function connectionFailure(err: unknown, context: OperationContext & ConnectionContext): Message | null {
  const { connection } = context;
  const code = asSqlError(err).code;
  if (code === LOGIN_WITHOUT_TLS)
    return context.typedCredentials === false
      ? msg('sql.encryption-not-offered', { connection })
      : msg('sql.login-without-encryption', { connection });
  const certificate = certificateFailure(err);
  if (certificate) return msg('sql.certificate-untrusted', { connection, detail: certificate });
  const tls = tlsNegotiationFailure(err);
  if (tls) return msg('sql.tls-negotiation-failed', { connection, reason: tls });
  if (code === 'EENCRYPT') return msg('sql.encryption-forced', { connection });
  if (code === 'EINSTLOOKUP')
    return msg('sql.instance-lookup-failed', {
      connection,
      instance: context.instance ?? '',
      server: context.server ?? '',
    });
  return null;
}

/** An mssql failure as the admin should read it; the technical chain goes into the detail. */
export function toUpgradeError(err: unknown, context: OperationContext & ConnectionContext): UpgradeError {
  const e = asSqlError(err);
  const chain = allSqlMessages(err);
  const detail = chain.map((m) => (m.number ? `${m.number}: ${m.message}` : m.message)).join(' | ');
  const connecting = connectionFailure(err, context);
  if (connecting) return new UpgradeError(connecting, detail);
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
  // A backup, verify, restore or folder probe: named from its whole chain, the cause first.
  const failure = operationFailure(chain, context);
  if (failure) return new UpgradeError(failure, detail);
  const first = chain.find((m) => m.number) ?? chain[0];
  return new UpgradeError(
    msg('sql.error', { number: first?.number ?? 0, detail: chain.map((m) => m.message).join(' ') }),
    detail,
  );
}
