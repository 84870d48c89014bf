import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { UpgradeError, msg } from '../../shared/message';
import { type ResourceHashes, resourceRefusal } from '../../shared/resource-hashes';

/**
 * The allowlist: every PowerShell script the Windows host may run, by name (the file is
 * resources/scripts/<name>.ps1), with the zod schemas of its parameters and of the one JSON
 * document it prints. Nothing outside this table can be run through the PowerShellRunner.
 */

/**
 * An array as Windows PowerShell 5.1's ConvertTo-Json may write it: a real array; `null` for an
 * empty pipeline; a lone value when a one-element array was unrolled; or `{ "value": [...],
 * "Count": n }` when the array was wrapped in a PSObject (the System.Array ETS quirk of 5.1).
 */
export const psArray = <T extends z.ZodType>(item: T) =>
  z.preprocess((v) => {
    if (v === null || v === undefined) return [];
    if (Array.isArray(v)) return v;
    if (typeof v === 'object' && 'value' in v && Array.isArray((v as { value: unknown }).value)) {
      return (v as { value: unknown[] }).value;
    }
    return [v];
  }, z.array(item));

const noParams = z.object({}).strict();
const text = z.string().nullable().optional();
const int = z.number().int().nullable().optional();

/** Get-Service's Status as a string, or the enum's number when a script forgot the [string] cast. */
const SERVICE_STATUS = [
  '',
  'Stopped',
  'StartPending',
  'StopPending',
  'Running',
  'ContinuePending',
  'PausePending',
  'Paused',
];
const serviceStatus = z
  .union([z.string(), z.number().int()])
  .transform((s) => (typeof s === 'number' ? (SERVICE_STATUS[s] ?? String(s)) : s));

export const SCRIPTS = {
  'Get-Elevation': {
    params: noParams,
    result: z.object({ elevated: z.boolean(), user: z.string().nullable().optional() }),
  },
  'Get-OsArchitecture': {
    params: noParams,
    result: z.object({ architecture: z.string(), is64BitOperatingSystem: z.boolean() }),
  },
  'Get-PendingReboot': {
    params: noParams,
    result: z.object({ reasons: psArray(z.string()) }),
  },
  'Get-ProcessStartTime': {
    params: z.object({ pid: z.number().int().positive() }).strict(),
    result: z.object({ startTime: z.string().nullable() }),
  },
  'Get-IisStatus': {
    params: noParams,
    result: z.object({
      inetStp: z
        .object({
          VersionString: text,
          MajorVersion: int,
          MinorVersion: int,
          SetupString: text,
          InstallPath: text,
        })
        .nullable(),
      w3svc: z
        .object({ Status: serviceStatus, StartType: z.union([z.string(), z.number()]).nullable().optional() })
        .nullable(),
    }),
  },
  'Get-CrmSite': {
    params: z.object({ siteName: z.string().min(1), appPath: z.string().startsWith('/') }).strict(),
    result: z.discriminatedUnion('found', [
      z.object({ found: z.literal(false), name: z.string().optional() }),
      z.object({
        found: z.literal(true),
        name: z.string(),
        id: z.number().int(),
        state: z.string(),
        applicationPath: z.string(),
        physicalPath: z.string(),
        physicalPathExpanded: z.string().nullable().optional(),
        applicationPools: psArray(z.string()),
        bindings: psArray(z.object({ protocol: z.string(), bindingInformation: z.string() })),
      }),
    ]),
  },
  'Get-FixedDrives': {
    params: noParams,
    result: z.object({
      drives: psArray(
        z.object({
          name: z.string(),
          freeBytes: z.number(),
          totalBytes: z.number(),
          format: z.string().nullable().optional(),
        }),
      ),
    }),
  },
  'Get-FileVersion': {
    params: z.object({ path: z.string().min(1) }).strict(),
    result: z.object({
      fileVersion: text,
      productVersion: text,
      fileMajorPart: int,
      fileMinorPart: int,
      fileBuildPart: int,
      filePrivatePart: int,
    }),
  },
  'Protect-Folder': {
    params: z.object({ path: z.string().min(1) }).strict(),
    result: z.object({
      path: z.string(),
      created: z.boolean(),
      exists: z.boolean(),
      isDirectory: z.boolean(),
      reparsePoint: z.boolean(),
      aclUnreadable: z.boolean(),
      inheritanceProtected: z.boolean(),
      owner: z.object({ sid: z.string(), name: z.string() }).nullable(),
      rules: psArray(
        z.object({
          sid: z.string(),
          name: z.string(),
          allow: z.boolean(),
          rights: z.number().int(),
          inherited: z.boolean(),
        }),
      ),
    }),
  },
  'Read-ConnectionStrings': {
    params: z.object({ webConfigPath: z.string().min(1) }).strict(),
    result: psArray(z.object({ name: z.string(), connectionString: z.string(), providerName: text })),
  },
  'Get-WebServices': {
    params: noParams,
    result: z.object({
      services: psArray(z.object({ name: z.string(), status: serviceStatus.nullable(), startType: text })),
    }),
  },
  'Get-ProcessesById': {
    params: z.object({ pids: z.array(z.number().int().positive()).min(1).max(64) }).strict(),
    result: z.object({
      processes: psArray(
        z.object({ pid: z.number().int(), name: z.string(), startTime: z.string().nullable() }),
      ),
    }),
  },
  'Test-InstallerBusy': {
    params: noParams,
    result: z.object({ mutex: z.enum(['absent', 'free', 'held', 'denied']) }),
  },
  'Get-SetupProcesses': {
    params: z.object({ since: z.iso.datetime() }).strict(),
    result: z.object({
      processes: psArray(
        z.object({
          pid: z.number().int(),
          parentPid: z.number().int(),
          name: z.string(),
          created: z.string().nullable(),
        }),
      ),
    }),
  },
  'Get-LastBoot': {
    params: noParams,
    result: z.object({ lastBoot: z.string().nullable() }),
  },
  'Get-SqlInstancePort': {
    // A SQL Server instance name: up to 16 letters, digits, _, $ or # (the registry value it names).
    params: z.object({ instance: z.string().regex(/^[\p{L}_#][\p{L}\p{N}_$#]{0,15}$/u) }).strict(),
    result: z.object({
      instanceId: z.string().nullable(),
      tcpEnabled: z.boolean().nullable(),
      listenOnAllIPs: z.boolean().nullable(),
      addresses: text,
      tcpPort: text,
      tcpDynamicPorts: text,
    }),
  },
} as const satisfies Record<string, { params: z.ZodType; result: z.ZodType }>;

export type AllowlistedScript = keyof typeof SCRIPTS;
export type ScriptParams<S extends AllowlistedScript> = z.input<(typeof SCRIPTS)[S]['params']>;
export type ScriptResult<S extends AllowlistedScript> = z.output<(typeof SCRIPTS)[S]['result']>;

export const isAllowlisted = (name: string): name is AllowlistedScript => Object.hasOwn(SCRIPTS, name);

/**
 * The text of the script as it is sent (UTF-8, byte order mark removed), of the very bytes that
 * were checked, read and checked again for each run: in a built app its bytes must be the ones
 * hashed at build time (the scripts sit outside app.asar, where anyone who can write the unpacked
 * folder could edit them). The text of those same bytes is what PowerShell runs, as a script
 * block: PowerShell never reads the file itself, so nothing can change it between the check and
 * the run. Null hashes: running from source, where resources/ is the source itself.
 */
export async function checkedScriptFile(
  scriptsDir: string,
  script: AllowlistedScript,
  hashes: ResourceHashes | null,
): Promise<string> {
  const file = path.join(scriptsDir, `${script}.ps1`);
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    throw new UpgradeError(
      msg('windows.powershell.script-missing', { script, dir: scriptsDir }),
      String(err),
    );
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  const refusal = hashes && resourceRefusal(hashes, `scripts/${script}.ps1`, sha256, file);
  if (refusal) throw refusal;
  try {
    // fatal: a script saved in another encoding is refused, not run with its accents replaced.
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes);
  } catch (err) {
    throw new UpgradeError(msg('windows.powershell.script-not-utf8', { script, file }), String(err));
  }
}
