import { z } from 'zod';
import { parseVersionName } from '../../shared/version-name';
import { profileSchema } from '../profile';

/** A path inside the kit: relative, forward slashes, no `..`, no drive or root. */
export const kitPathSchema = z
  .string()
  .min(1)
  .max(240)
  .refine((p) => !p.includes('\\'), 'use forward slashes')
  .refine((p) => !p.startsWith('/') && !/^[A-Za-z]:/.test(p), 'absolute path')
  .refine(
    (p) => p.split('/').every((part) => part !== '..' && part !== '.' && part !== ''),
    'traversal or empty part',
  )
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  .refine((p) => !/[\u0000-\u001f<>:"|?*]/.test(p), 'character not allowed on Windows');

const versionNameSchema = z.string().superRefine((s, ctx) => {
  try {
    parseVersionName(s);
  } catch {
    ctx.addIssue({ code: 'custom', message: `not a version name: ${s}` });
  }
});

/**
 * A folder by where it stands from a site's: "{installPath}/../CRMServices". Only those two
 * anchors: a kit is made for every customer, and a site's folder is what discovery finds.
 */
export const touchedFolderSchema = z
  .object({
    /** Its name in step ids and backups. */
    name: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    path: z
      .string()
      .max(260)
      .regex(/^\{(installPath|mobilePath)\}(\/[^/\\:*?"<>|]+)+$/),
  })
  .strict();
export type TouchedFolder = z.infer<typeof touchedFolderSchema>;

export const setupSchema = z
  .object({
    role: z.enum(['main', 'mobile']),
    path: kitPathSchema,
    /** An element equal to "{installPath}" is replaced whole by the install path; nothing is spliced into text. */
    args: z.array(z.string().max(400)).max(32),
    successExitCodes: z.array(z.number().int()).min(1),
    rebootExitCodes: z.array(z.number().int()),
    /** Other folders this setup changes, backed up and restored like the site's own (issue 11). */
    touches: z.array(touchedFolderSchema).max(8).optional(),
  })
  .strict();
export type KitSetup = z.infer<typeof setupSchema>;

export const kitManifestSchema = z
  .object({
    format: z.literal(1),
    product: z
      .object({ id: z.string().regex(/^[a-z0-9-]{1,40}$/), name: z.string().min(1).max(80) })
      .strict(),
    version: versionNameSchema,
    /** The oldest installed version (numeric parts, e.g. "7.0") that may jump straight to this kit. */
    minimumInstalledVersion: z.string().regex(/^\d+(\.\d+){0,5}$/),
    files: z
      .array(
        z
          .object({
            path: kitPathSchema,
            size: z.number().int().nonnegative(),
            sha256: z.string().regex(/^[0-9a-f]{64}$/),
          })
          .strict(),
      )
      .max(10_000),
    setups: z.array(setupSchema).min(1).max(4),
    releaseNotes: z
      .array(
        z.object({ version: versionNameSchema, lang: z.enum(['it', 'en']), path: kitPathSchema }).strict(),
      )
      .max(500),
    /** The vendor may ship a product profile with the kit; it is trusted as the kit is, by the signature. */
    profile: profileSchema.optional(),
  })
  .strict()
  .superRefine((kit, ctx) => {
    const seen = new Set<string>();
    kit.files.forEach((f, i) => {
      const key = f.path.toLowerCase();
      if (seen.has(key))
        ctx.addIssue({
          code: 'custom',
          path: ['files', i, 'path'],
          message: `repeats another path: ${f.path}`,
        });
      seen.add(key);
    });
    const listed = new Set(kit.files.map((f) => f.path));
    for (const [i, s] of kit.setups.entries()) {
      if (!listed.has(s.path))
        ctx.addIssue({ code: 'custom', path: ['setups', i, 'path'], message: 'setup not among the files' });
    }
    for (const [i, n] of kit.releaseNotes.entries()) {
      if (!listed.has(n.path))
        ctx.addIssue({
          code: 'custom',
          path: ['releaseNotes', i, 'path'],
          message: 'notes not among the files',
        });
    }
    if (kit.setups.filter((s) => s.role === 'main').length !== 1) {
      ctx.addIssue({ code: 'custom', path: ['setups'], message: 'exactly one main setup' });
    }
  });
export type KitManifest = z.infer<typeof kitManifestSchema>;

export const KIT_MANIFEST = 'kit.json';
export const KIT_SIGNATURE = 'kit.sig';
export const KIT_REPORTS = 'reports';
/** A manifest larger than this is refused before parsing. */
export const KIT_MANIFEST_MAX_BYTES = 4 * 1024 * 1024;
