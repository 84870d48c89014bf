import { z } from 'zod';

// eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
const noControl = (s: string) => !/[\u0000-\u001f\u007f]/.test(s);
const text = (max: number) => z.string().min(1).max(max).refine(noControl, 'control characters');

/**
 * What the admin types when the CRM connects with Windows authentication, which the SQL driver
 * can't use as the current user: a SQL login, or a domain user for NTLM. Held in memory only.
 */
export const sqlCredentialsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('sql'), user: text(128), password: z.string().min(1).max(256) }).strict(),
  z
    .object({
      kind: z.literal('ntlm'),
      domain: text(64),
      user: text(128),
      password: z.string().min(1).max(256),
    })
    .strict(),
]);
export type SqlCredentials = z.infer<typeof sqlCredentialsSchema>;
