import { createPublicKey } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createKit } from '../core/kit/kit-create';
import { generateSigningKey, keyIdOf, loadTrustedKeys } from '../core/kit/kit-keys';
import { type InstallerType, type KitManifest, installerSchema, setupSchema } from '../core/kit/kit-manifest';
import { readSignedKit, verifyKitFiles } from '../core/kit/kit-verify';
import { sourceResourcesDir } from '../core/resources';
import { UpgradeError } from '../shared/message';
import { parseVersionName } from '../shared/version-name';
import { UsageError, say } from './usage';

/** Exit codes of `kit verify`, for scripts. */
export const KIT_EXIT = { ok: 0, usage: 2, signature: 3, files: 4, manifest: 5 } as const;

function exitFor(key: string): number {
  if (['kit.no-signature', 'kit.signature-malformed', 'kit.unknown-key', 'kit.bad-signature'].includes(key))
    return KIT_EXIT.signature;
  if (['kit.no-manifest', 'kit.manifest-too-large', 'kit.manifest-invalid'].includes(key))
    return KIT_EXIT.manifest;
  return KIT_EXIT.files;
}

function codes(name: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+(,\d+)*$/.test(text))
    throw new UsageError(`${name} takes numbers separated by commas, not ${text}`);
  return text.split(',').map(Number);
}

/** `--installer msi|exe|inno`; absent, the manifest says none and the file's extension decides. */
function installer(name: string, text: string | undefined): InstallerType | undefined {
  if (text === undefined) return undefined;
  const parsed = installerSchema.safeParse(text);
  if (!parsed.success) throw new UsageError(`${name} is msi, exe or inno, not ${text}`);
  return parsed.data;
}

/** The exit-code tables the vendor gave; the rest are the installer's own defaults, left out. */
function exitCodeTables(values: {
  'success-codes'?: string | undefined;
  'reboot-codes'?: string | undefined;
  'rebooting-codes'?: string | undefined;
}) {
  const success = codes('--success-codes', values['success-codes']);
  const reboot = codes('--reboot-codes', values['reboot-codes']);
  const rebooting = codes('--rebooting-codes', values['rebooting-codes']);
  return {
    ...(success ? { successExitCodes: success } : {}),
    ...(reboot ? { rebootExitCodes: reboot } : {}),
    ...(rebooting ? { rebootingExitCodes: rebooting } : {}),
  };
}

/** Release notes: files named `<version name>.<it|en>.md`, e.g. 7.8.5.13100517_x64.it.md. */
async function readNotes(
  dir: string,
): Promise<{ entries: KitManifest['releaseNotes']; contents: { from: string; to: string }[] }> {
  const entries: KitManifest['releaseNotes'] = [];
  const contents: { from: string; to: string }[] = [];
  for (const name of (await readdir(dir)).sort()) {
    const m = /^(.+)\.(it|en)\.md$/.exec(name);
    if (!m?.[1] || !m[2])
      throw new UsageError(`release notes must be named <version name>.<it|en>.md, not ${name}`);
    parseVersionName(m[1]);
    entries.push({ version: m[1], lang: m[2] as 'it' | 'en', path: `notes/${name}` });
    contents.push({ from: path.join(dir, name), to: `notes/${name}` });
  }
  return { entries, contents };
}

export async function kitCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'keygen') {
    const { values } = parseArgs({
      args: rest,
      options: { out: { type: 'string' }, name: { type: 'string' } },
      strict: true,
    });
    if (!values.out) throw new UsageError('kit keygen --out DIR [--name NAME]');
    const name = values.name ?? 'vendor';
    if (!/^[A-Za-z0-9_-]{1,40}$/.test(name)) throw new UsageError('--name: letters, digits, - and _ only');
    await mkdir(values.out, { recursive: true });
    const priv = path.join(values.out, `${name}.key.pem`);
    const pub = path.join(values.out, `${name}.pub.pem`);
    // Kits already shipped are signed with the key that is there: it is never replaced, not even half.
    if ([priv, pub].some((file) => existsSync(file)))
      throw new UsageError(`a key named ${name} is already in ${values.out}: choose another --name`);
    const key = generateSigningKey();
    await writeFile(priv, key.privatePem, { flag: 'wx', mode: 0o600 });
    await chmod(priv, 0o600);
    await writeFile(pub, key.publicPem, { flag: 'wx' });
    say(
      `key ${key.keyId}: ${priv} (private: keep it off the kit) and ${name}.pub.pem (ship it in resources/keys/vendor/)`,
    );
    return 0;
  }
  if (verb === 'create') {
    const { values } = parseArgs({
      args: rest,
      options: {
        version: { type: 'string' },
        setup: { type: 'string' },
        'setup-arg': { type: 'string', multiple: true },
        'mobile-setup': { type: 'string' },
        'mobile-setup-arg': { type: 'string', multiple: true },
        installer: { type: 'string' },
        'mobile-installer': { type: 'string' },
        'success-codes': { type: 'string' },
        'reboot-codes': { type: 'string' },
        'rebooting-codes': { type: 'string' },
        notes: { type: 'string' },
        key: { type: 'string' },
        out: { type: 'string' },
        minimum: { type: 'string' },
        'product-id': { type: 'string' },
        'product-name': { type: 'string' },
      },
      strict: true,
    });
    if (!values.version || !values.setup || !values.notes || !values.key || !values.out) {
      throw new UsageError(
        'kit create --version NAME --setup FILE [--mobile-setup FILE] --notes DIR --key KEY --out DIR',
      );
    }
    parseVersionName(values.version);
    if ((await readdir(values.out).catch(() => [])).length > 0)
      throw new UsageError(`--out ${values.out} is not empty`);
    const tables = exitCodeTables(values);
    const mainInstaller = installer('--installer', values.installer);
    const mobileInstaller = installer('--mobile-installer', values['mobile-installer']);
    const notes = await readNotes(values.notes);
    const setupPath = `setup/${path.basename(values.setup)}`;
    const contents = [{ from: values.setup, to: setupPath }, ...notes.contents];
    const setups: KitManifest['setups'] = [
      {
        role: 'main',
        path: setupPath,
        ...(mainInstaller ? { installer: mainInstaller } : {}),
        args: values['setup-arg'] ?? [],
        ...tables,
      },
    ];
    if (values['mobile-setup']) {
      const mobilePath = `setup/mobile/${path.basename(values['mobile-setup'])}`;
      contents.push({ from: values['mobile-setup'], to: mobilePath });
      setups.push({
        role: 'mobile',
        path: mobilePath,
        ...(mobileInstaller ? { installer: mobileInstaller } : {}),
        args: values['mobile-setup-arg'] ?? [],
        ...tables,
      });
    }
    for (const setup of setups) {
      // What the manifest would refuse, said before anything is written: an .msi declared exe, …
      const checked = setupSchema.safeParse(setup);
      const issue = checked.error?.issues[0];
      if (issue) throw new UsageError(`setup ${setup.path}: ${issue.path.join('.')}: ${issue.message}`);
    }
    const manifest = await createKit({
      outDir: values.out,
      product: { id: values['product-id'] ?? 'crm', name: values['product-name'] ?? 'CRM' },
      version: values.version,
      minimumInstalledVersion: values.minimum ?? '0',
      contents,
      setups,
      releaseNotes: notes.entries,
      privateKeyPem: await readFile(values.key, 'utf8'),
    });
    say(`kit ${manifest.version}: ${manifest.files.length} files, signed, in ${values.out}`);
    return 0;
  }
  if (verb === 'verify') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        practice: { type: 'boolean' },
        json: { type: 'boolean' },
        trust: { type: 'string', multiple: true },
      },
      strict: true,
    });
    const dir = positionals[0];
    if (!dir || positionals.length > 1)
      throw new UsageError('kit verify DIR [--practice] [--trust PUBKEY.pem…] [--json]');
    const trusted = await loadTrustedKeys(sourceResourcesDir(), values.practice ?? false);
    // The vendor checks a kit against the key it was just signed with, before shipping it.
    for (const file of values.trust ?? []) {
      const key = createPublicKey(await readFile(file, 'utf8'));
      trusted.push({ id: keyIdOf(key), kind: 'vendor', key });
    }
    try {
      const kit = await readSignedKit(path.resolve(dir), trusted);
      const { files, bytes } = await verifyKitFiles(kit);
      if (values.json)
        say(JSON.stringify({ ok: true, version: kit.manifest.version, key: kit.key, files, bytes }));
      else
        say(
          `ok: kit ${kit.manifest.version}, ${files} files, ${bytes} bytes, signed by ${kit.key.kind} key ${kit.key.id}`,
        );
      return KIT_EXIT.ok;
    } catch (err) {
      if (!(err instanceof UpgradeError)) throw err;
      const code = exitFor(err.message_.key);
      if (values.json) say(JSON.stringify({ ok: false, exitCode: code, error: err.message_ }));
      throw Object.assign(err, { exitCode: code });
    }
  }
  throw new UsageError(`unknown kit command: ${verb ?? '(none)'}`);
}
