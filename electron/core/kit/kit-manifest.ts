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

/** Where a setup's argument is replaced by the run: the site's folder, and the setup's own log file. */
export const INSTALL_PATH = '{installPath}';
export const SETUP_LOG = '{setupLog}';

/** An MSI public property as msiexec takes it: `NAME=value`, the name in upper case. */
export const MSI_PROPERTY = /^[A-Z_][A-Z0-9_.]{0,71}=/;

const exitCodes = z.array(z.number().int()).max(64);

/**
 * How a setup is run and what its exit code means. `.msi` runs through msiexec (its args are
 * public properties, `NAME=value`); `exe` is a setup.exe that passes on Windows Installer's codes
 * (InstallShield, WiX Burn); `inno` an Inno Setup setup, whose codes are its own (0 to 8).
 */
export const installerSchema = z.enum(['msi', 'exe', 'inno']);
export type InstallerType = z.infer<typeof installerSchema>;

export const setupSchema = z
  .object({
    role: z.enum(['main', 'mobile']),
    path: kitPathSchema,
    /** From the file's extension when absent: `.msi` is msi, anything else exe. */
    installer: installerSchema.optional(),
    /**
     * An element equal to "{installPath}" is replaced whole by the install path; for an .msi, a
     * property's whole value may be it (`INSTALLDIR={installPath}`). "{setupLog}" (a whole element,
     * or the end of one: `/LOG={setupLog}`) becomes the run's log file for this setup, named in the
     * report. Nothing else is spliced into text.
     */
    args: z.array(z.string().max(400)).max(32),
    /** The codes of success; the installer's defaults when absent (0). */
    successExitCodes: exitCodes.min(1).optional(),
    /** Success, with the server to be restarted to finish (files replaced at the reboot); defaults: 3010. */
    rebootExitCodes: exitCodes.optional(),
    /** Success, and the installer has already started the server's restart; defaults: 1641. */
    rebootingExitCodes: exitCodes.optional(),
    /** Other folders this setup changes, backed up and restored like the site's own (issue 11). */
    touches: z.array(touchedFolderSchema).max(8).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const msi = s.path.toLowerCase().endsWith('.msi');
    if (msi !== ((s.installer ?? (msi ? 'msi' : 'exe')) === 'msi'))
      ctx.addIssue({ code: 'custom', path: ['installer'], message: 'msi is for a .msi file, and only it' });
    if (msi)
      s.args.forEach((a, i) => {
        if (!MSI_PROPERTY.test(a))
          ctx.addIssue({
            code: 'custom',
            path: ['args', i],
            message: 'an .msi takes NAME=value properties only',
          });
      });
    const logs = s.args.filter((a) => a.includes(SETUP_LOG));
    const once = (a: string) => a.endsWith(SETUP_LOG) && a.indexOf(SETUP_LOG) === a.length - SETUP_LOG.length;
    if (msi ? logs.length > 0 : logs.length > 1 || !logs.every(once))
      ctx.addIssue({
        code: 'custom',
        path: ['args'],
        message: `${SETUP_LOG}: once, at the end of an argument (msiexec's log is set by the run)`,
      });
  });
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
