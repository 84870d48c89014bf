import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createKit } from '../core/kit/kit-create';
import type { KitManifest } from '../core/kit/kit-manifest';
import {
  FROM_VERSION,
  SERVICES_FROM_CRM,
  TO_VERSION,
  crmFiles,
  mobileFiles,
  servicesFiles,
} from '../host/practice/content';

export interface PracticeKitOptions {
  resourcesDir: string;
  /**
   * The main setup exits with this code halfway through (1603 is MSI's fatal error); 1618 at once
   * (another installation running); 3010 and 1641 at its end, with files left for the restart.
   */
  setupFailsWith?: number;
  /** The MOBILE setup exits with this code halfway through, after the main setup succeeded. */
  mobileSetupFailsWith?: number;
  /** The main setup stops halfway and never exits. */
  setupHangs?: boolean;
  /** A pause per copied file, so that progress can be watched. */
  setupDelayMs?: number;
  /** The main setup also changes C:\inetpub\wwwroot\CRMServices, and the kit says so ("touches"). */
  servicesFolder?: boolean;
  /** A product profile carried by the kit, instead of the app's own. */
  profile?: KitManifest['profile'];
}

async function writeTree(root: string, files: Record<string, string | Buffer>): Promise<void> {
  for (const [rel, content] of Object.entries(files)) {
    const full = path.join(root, ...rel.split('/'));
    await mkdir(path.dirname(full), { recursive: true });
    await writeFile(full, content);
  }
}

const NOTES: Record<'it' | 'en', string> = {
  it: `# CRM 7.8.5\n\n- Nuovo cruscotto commerciale nella home.\n- **Elenco Utenti Connessi** mostra anche il dispositivo.\n- Corretto il calcolo delle provvigioni trimestrali.\n\nDopo l'aggiornamento l'amministratore applichi il proprio modello di sicurezza alle nuove voci di menu.\n`,
  en: `# CRM 7.8.5\n\n- New sales dashboard on the home page.\n- **Elenco Utenti Connessi** also shows the device.\n- Fixed the quarterly commission calculation.\n\nAfter the upgrade the administrator should apply their security model to the new menu items.\n`,
};

/** The practice kit 7.8.5.13100517_x64, made by the same kit builder as a vendor kit, signed with the practice key. */
export async function createPracticeKit(outDir: string, options: PracticeKitOptions): Promise<KitManifest> {
  const stage = await mkdtemp(path.join(tmpdir(), 'crm-practice-kit-'));
  try {
    const setupDir = path.join(stage, 'setup');
    await mkdir(setupDir, { recursive: true });
    await writeFile(
      path.join(setupDir, 'crm-setup.mjs'),
      await readFile(path.join(options.resourcesDir, 'practice', 'crm-setup.mjs')),
    );
    await writeFile(
      path.join(setupDir, 'practice-setup.json'),
      JSON.stringify({
        failWith: options.setupFailsWith ?? null,
        mobileFailWith: options.mobileSetupFailsWith ?? null,
        hang: options.setupHangs ?? false,
      }),
    );
    const crm = {
      ...crmFiles(TO_VERSION),
      'bin/Crm.Reports.dll': crmFiles(TO_VERSION)['bin/Crm.Data.dll'] ?? '',
    };
    await writeTree(path.join(setupDir, 'payload-crm', 'files'), crm);
    await writeFile(
      path.join(setupDir, 'payload-crm', 'payload.json'),
      JSON.stringify({
        product: 'CRM',
        role: 'main',
        version: TO_VERSION,
        from: FROM_VERSION,
        remove: ['js/legacy.js'],
        // In use at the end of the setup: after 3010 or 1641 they are replaced at the restart.
        replacedAtRestart: ['bin/Crm.Web.dll', 'bin/version.txt'],
        ...(options.servicesFolder ? { touches: { [SERVICES_FROM_CRM]: 'services' } } : {}),
        delayMs: options.setupDelayMs ?? 15,
      }),
    );
    if (options.servicesFolder)
      await writeTree(path.join(setupDir, 'payload-crm', 'services'), servicesFiles(TO_VERSION));
    await writeTree(path.join(setupDir, 'payload-mobile', 'files'), mobileFiles(TO_VERSION));
    await writeFile(
      path.join(setupDir, 'payload-mobile', 'payload.json'),
      JSON.stringify({
        product: 'CRM MOBILE server',
        role: 'mobile',
        version: TO_VERSION,
        remove: [],
        replacedAtRestart: ['bin/version.txt'],
        delayMs: options.setupDelayMs ?? 15,
      }),
    );
    const notesDir = path.join(stage, 'notes');
    await mkdir(notesDir);
    await writeFile(path.join(notesDir, '7.8.5.it.md'), NOTES.it);
    await writeFile(path.join(notesDir, '7.8.5.en.md'), NOTES.en);
    const privateKeyPem = await readFile(
      path.join(options.resourcesDir, 'keys', 'practice', 'practice.key.pem'),
      'utf8',
    );
    // The setup writes its own log where the run says ("{setupLog}"), as a vendor's setup.exe is told to.
    const setupArgs = (payload: string) => [
      '--payload',
      payload,
      '--target',
      '{installPath}',
      '--log',
      '{setupLog}',
    ];
    return await createKit({
      outDir,
      product: { id: 'crm', name: 'CRM' },
      version: TO_VERSION,
      minimumInstalledVersion: '7.0',
      contents: [
        { from: setupDir, to: 'setup' },
        { from: notesDir, to: 'notes' },
      ],
      setups: [
        {
          role: 'main',
          path: 'setup/crm-setup.mjs',
          args: setupArgs('payload-crm'),
          successExitCodes: [0],
          rebootExitCodes: [3010],
          rebootingExitCodes: [1641],
          ...(options.servicesFolder
            ? { touches: [{ name: 'services', path: `{installPath}/${SERVICES_FROM_CRM}` }] }
            : {}),
        },
        {
          role: 'mobile',
          path: 'setup/crm-setup.mjs',
          args: setupArgs('payload-mobile'),
          successExitCodes: [0],
          rebootExitCodes: [3010],
          rebootingExitCodes: [1641],
        },
      ],
      releaseNotes: [
        { version: TO_VERSION, lang: 'it', path: 'notes/7.8.5.it.md' },
        { version: TO_VERSION, lang: 'en', path: 'notes/7.8.5.en.md' },
      ],
      ...(options.profile ? { profile: options.profile } : {}),
      privateKeyPem,
    });
  } finally {
    await rm(stage, { recursive: true, force: true });
  }
}
