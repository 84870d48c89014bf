import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UpgradeError, msg } from '../shared/message';
import { readOnlyQueryProblem } from '../shared/read-only-query';
import { farmServerNameSchema } from '../shared/farm';
import { patternProblem } from './profile-pattern';

const relPath = z
  .string()
  .min(1)
  // The profile describes a Windows server: drive and UNC paths are absolute whatever OS validates it.
  .refine(
    (p) =>
      !path.posix.isAbsolute(p) &&
      !path.win32.isAbsolute(p) &&
      !/^[A-Za-z]:/.test(p) &&
      !p.split(/[\\/]/).includes('..'),
    'must be a relative path inside the application folder',
  );

/** A refinement that reports `problem`'s own words, so the vendor reads what to change. */
const refusedWhen =
  (problem: (s: string) => string | null) => (s: string, ctx: z.core.$RefinementCtx<string>) => {
    const found = problem(s);
    if (found) ctx.addIssue({ code: 'custom', message: found });
  };

const regexText = z
  .string()
  .refine((s) => {
    try {
      new RegExp(s);
      return true;
    } catch {
      return false;
    }
  }, 'not a valid regular expression')
  .superRefine(refusedWhen(patternProblem));

/** The profile's SQL runs with the admin's rights: one SELECT only, checked before anything runs. */
const selectText = z.string().min(1).superRefine(refusedWhen(readOnlyQueryProblem));

/** A source written without its kind is a file: the profile's first and simplest form. */
const withFileDefault = (v: unknown) =>
  typeof v === 'object' && v !== null && !('kind' in v) ? { kind: 'file', ...v } : v;

/** Where the installed version is read: a file and a pattern, a DLL's file version, or a database query. */
const installedVersionSchema = z.preprocess(
  withFileDefault,
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('file'), file: relPath, pattern: regexText }).strict(),
    /** FileVersion "7.8.5.13100517" of a DLL; the architecture completes the version name. */
    z.object({ kind: z.literal('file-version'), file: relPath, arch: z.enum(['x64', 'x86']) }).strict(),
    /** One value, the version name, from the first connection's database. */
    z.object({ kind: z.literal('query'), query: selectText }).strict(),
  ]),
);

/** Where the licence's "Moduli:" list is read; or the admin reads "Informazioni su" and confirms. */
const licenceSchema = z.preprocess(
  withFileDefault,
  z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('file'), file: relPath, pattern: regexText }).strict(),
    z.object({ kind: z.literal('query'), query: selectText }).strict(),
    z.object({ kind: z.literal('admin-confirms') }).strict(),
  ]),
);

/** What the vendor knows about this CRM's layout, so the code guesses nothing. */
export const profileSchema = z
  .object({
    format: z.literal(1),
    product: z.string().min(1),
    iis: z
      .object({
        /** The IIS site (name or pattern with * wildcards) that hosts the CRM. */
        siteName: z.string().min(1),
        mobileSiteName: z.string().min(1).optional(),
        /** The application pools the CRM uses, when not only its site's own. */
        appPools: z.array(z.string().min(1)).optional(),
      })
      .strict(),
    /** Files that prove a folder holds this CRM, not another application on the same site. */
    markers: z.array(relPath).default([]),
    /** Issue 15: the application servers of this installation's farm, when the vendor or the admin knows them. */
    farm: z
      .object({ servers: z.array(farmServerNameSchema).min(1).max(32) })
      .strict()
      .optional(),
    /** The CRM's address, when IIS's bindings don't tell it (a proxy, a host header). */
    url: z.url().optional(),
    installedVersion: installedVersionSchema,
    licence: licenceSchema,
    connections: z.object({ file: relPath }).strict(),
    backupExclusions: z.array(relPath),
    /** On a real SQL Server: the CRM's own tables, as the vendor knows them. */
    sql: z
      .object({
        /** Returns columns user, host, since, lastActivity: the rows of "Elenco Utenti Connessi". */
        connectedUsersQuery: selectText.optional(),
        /** A row whose lastActivity is older than this is a session the CRM forgot to close. */
        sessionTimeoutMinutes: z.number().int().positive().optional(),
        /**
         * Each connection's database version, what "Aggiorna Database" writes: one SELECT returning
         * one text column. null until the vendor fills it in: the checks then say so, every run,
         * since neither a half-finished upgrade nor a farm can be judged without it.
         */
        databaseVersionQuery: selectText.nullable().meta({
          examples: ['SELECT TOP (1) Versione FROM dbo.VersioneDatabase ORDER BY DataAggiornamento DESC'],
        }),
      })
      .strict()
      .refine((q) => (q.connectedUsersQuery === undefined) === (q.sessionTimeoutMinutes === undefined), {
        message: 'connectedUsersQuery and sessionTimeoutMinutes go together',
        path: ['connectedUsersQuery'],
      })
      // Absent is as null: the version is unknown (the shipped profile says so in so many words).
      .optional(),
  })
  .strict();
export type Profile = z.infer<typeof profileSchema>;

/** The field an issue is about; for an unknown key, the key itself rather than its parent. */
export function issueField(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return '(root)';
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [''];
  return keys.map((k) => [...issue.path, ...(k ? [k] : [])].join('.') || '(root)').join(', ');
}

export function parseProfile(json: unknown, source: string): Profile {
  const parsed = profileSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UpgradeError(
      msg('profile.invalid', { source, field: issueField(issue), problem: issue?.message ?? '' }),
      parsed.error.message,
    );
  }
  return parsed.data;
}

export async function loadProfile(file: string): Promise<Profile> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new UpgradeError(msg('profile.unreadable', { source: file }), String(err));
  }
  return parseProfile(json, file);
}

/** The Moduli: list in any reasonable form: "0, 3, 7", "0;3;7", "0 3 7", "[0][3]". */
export function parseModules(text: string): string[] {
  return text
    .split(/[\s,;|[\]()]+/)
    .map((s) => s.trim())
    .filter((s) => /^\d+$/.test(s))
    .map((s) => String(Number(s)));
}
