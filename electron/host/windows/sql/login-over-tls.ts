/**
 * tedious sends LOGIN7 in clear when the server answers PRELOGIN with "encryption not
 * supported", even with `encrypt: true`: anyone in the middle can answer so and read the
 * password the admin typed. For typed credentials the login is withheld unless TLS is up.
 * This reaches into tedious (its LOGIN7 step and its TLS flag), pinned by the lockfile and
 * proved by login-over-tls.test.ts against a server that offers no encryption.
 */

/** The code of the error that stops the login; errors.ts turns it into the admin's message. */
export const LOGIN_WITHOUT_TLS = 'ELOGINWITHOUTTLS';

interface TediousLoginStep {
  sendLogin7Packet(): void;
  messageIo?: { tlsNegotiationComplete?: boolean };
}

/** mssql's `beforeConnect` hook: runs on each new tedious connection before it logs in. */
export function withholdLoginWithoutTls(connection: unknown): void {
  const tedious = connection as TediousLoginStep;
  const sendLogin = tedious.sendLogin7Packet.bind(tedious);
  tedious.sendLogin7Packet = () => {
    // Read on every login: each socket (a reroute too) negotiates TLS afresh.
    if (tedious.messageIo?.tlsNegotiationComplete !== true)
      throw Object.assign(new Error('the server did not negotiate TLS: login withheld'), {
        code: LOGIN_WITHOUT_TLS,
      });
    sendLogin();
  };
}

/** Calls `onSecure` with the TLS version ('TLSv1.2') when the tedious connection negotiates TLS. */
export function watchTls(connection: unknown, onSecure: (protocol: string) => void): void {
  const tedious = connection as {
    on?(event: 'secure', listener: (cleartext: { getProtocol(): string | null }) => void): void;
  };
  tedious.on?.('secure', (cleartext) => onSecure(cleartext.getProtocol() ?? 'TLS'));
}

/**
 * OpenSSL's (and BoringSSL's) reasons for a TLS negotiation that cannot agree on a version or a
 * cipher: SQL Server 2012/2014 without the TLS 1.2 update answers TLS 1.0, which Node refuses
 * ("unsupported protocol"); "wrong version number" is a reply that is not TLS at all.
 */
const TLS_NEGOTIATION =
  /unsupported[ _]protocol|wrong[ _]version[ _]number|alert[ _]protocol[ _]version|version[ _]too[ _]low|no[ _]protocols[ _]available|handshake[ _]failure|no[ _]shared[ _]cipher|inappropriate[ _]fallback/i;
const TLS_NEGOTIATION_CODES =
  /^ERR_SSL_(UNSUPPORTED_PROTOCOL|WRONG_VERSION_NUMBER|TLSV1_ALERT_PROTOCOL_VERSION|VERSION_TOO_LOW|NO_PROTOCOLS_AVAILABLE|SSLV3_ALERT_HANDSHAKE_FAILURE|NO_SHARED_CIPHER|TLSV1_ALERT_INAPPROPRIATE_FALLBACK)$/;

/** The TLS negotiation failure behind a failed connection (mssql → tedious → TLS), or null. */
export function tlsNegotiationFailure(err: unknown): string | null {
  let link: unknown = err;
  for (let depth = 0; depth < 5 && typeof link === 'object' && link !== null; depth += 1) {
    const { code, message, originalError, cause } = link as Record<string, unknown>;
    const reason = typeof message === 'string' ? TLS_NEGOTIATION.exec(message)?.[0] : undefined;
    if (reason) return reason.toLowerCase().replace(/_/g, ' ');
    if (typeof code === 'string' && TLS_NEGOTIATION_CODES.test(code)) return code;
    link = originalError ?? cause;
  }
  return null;
}
