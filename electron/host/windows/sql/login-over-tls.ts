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
