import { z } from 'zod';
import { isPlainText } from './typed-text';

const plain = (max: number) =>
  z.string().min(1).max(max).refine(isPlainText, 'control, C1 or bidi characters');
/** The admin consents, on screen, to an unvalidated server certificate for this connection. */
const certificateException = z.boolean().optional();

/**
 * What the admin types when the CRM connects with Windows authentication, which the SQL driver
 * can't use as the current user: a SQL login, or a domain user for NTLM. Held in memory only.
 */
export const sqlCredentialsSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sql'),
      user: plain(128),
      password: plain(256),
      allowUnvalidatedCertificate: certificateException,
    })
    .strict(),
  z
    .object({
      kind: z.literal('ntlm'),
      domain: plain(64),
      user: plain(128),
      password: plain(256),
      allowUnvalidatedCertificate: certificateException,
    })
    .strict(),
]);
export type SqlCredentials = z.infer<typeof sqlCredentialsSchema>;
