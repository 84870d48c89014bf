import { type Message, type MessageKey, msg } from '../../shared/message';
import {
  INSTALL_PATH,
  type InstallerType,
  type KitSetup,
  MSI_PROPERTY,
  SETUP_LOG,
} from '../kit/kit-manifest';

/** What a setup's exit code means for the run. */
export type ExitCodeKind = 'success' | 'restart-needed' | 'restarting' | 'failure';

interface ExitCodeTable {
  success: readonly number[];
  restartNeeded: readonly number[];
  restarting: readonly number[];
}

/**
 * The installers' own tables. Windows Installer: 0 success, 3010 ERROR_SUCCESS_REBOOT_REQUIRED,
 * 1641 ERROR_SUCCESS_REBOOT_INITIATED; a setup.exe around an MSI (InstallShield, WiX Burn) passes
 * them on. Inno Setup: 0 success, 1 to 8 failures; it says nothing of restarts by exit code.
 */
const DEFAULTS: Record<InstallerType, ExitCodeTable> = {
  msi: { success: [0], restartNeeded: [3010], restarting: [1641] },
  exe: { success: [0], restartNeeded: [3010], restarting: [1641] },
  inno: { success: [0], restartNeeded: [], restarting: [] },
};

/** Windows Installer's failures (and ERROR_SHARING_VIOLATION), as msiexec and setup.exe return them. */
const MSI_FAILURES: Readonly<Record<number, MessageKey>> = {
  32: 'upgrade.setup.in-use.finding',
  1602: 'upgrade.setup.exit-1602.finding',
  1603: 'upgrade.setup.exit-1603.finding',
  1618: 'upgrade.setup.exit-1618.finding',
  1619: 'upgrade.setup.exit-1619.finding',
  1638: 'upgrade.setup.exit-1638.finding',
  1639: 'upgrade.setup.exit-1639.finding',
};

/** Failures whose meaning the installer documents, each with its own message. */
const KNOWN_FAILURES: Record<InstallerType, Readonly<Record<number, MessageKey>>> = {
  msi: MSI_FAILURES,
  exe: MSI_FAILURES,
  // Inno Setup's documented codes (jrsoftware.org, "Setup Exit Codes").
  inno: {
    1: 'upgrade.setup.inno-1.finding',
    2: 'upgrade.setup.inno-2.finding',
    3: 'upgrade.setup.inno-3.finding',
    4: 'upgrade.setup.inno-4.finding',
    5: 'upgrade.setup.inno-5.finding',
    6: 'upgrade.setup.inno-6.finding',
    7: 'upgrade.setup.inno-7.finding',
    8: 'upgrade.setup.inno-8.finding',
  },
};

/** Where a failure's remedy is not the general one. */
const REMEDIES: Partial<Record<MessageKey, MessageKey>> = {
  'upgrade.setup.exit-1618.finding': 'upgrade.setup.installer-busy.remedy',
  'upgrade.setup.inno-5.finding': 'upgrade.setup.inno-5.remedy',
  'upgrade.setup.inno-8.finding': 'upgrade.setup.inno-8.remedy',
};

export function installerOf(setup: Pick<KitSetup, 'path' | 'installer'>): InstallerType {
  return setup.installer ?? (setup.path.toLowerCase().endsWith('.msi') ? 'msi' : 'exe');
}

/** The kit's own lists where it gives them, its installer's defaults where it does not. */
export function exitCodeTable(setup: KitSetup): ExitCodeTable {
  const defaults = DEFAULTS[installerOf(setup)];
  return {
    success: setup.successExitCodes ?? defaults.success,
    restartNeeded: setup.rebootExitCodes ?? defaults.restartNeeded,
    restarting: setup.rebootingExitCodes ?? defaults.restarting,
  };
}

/**
 * An already started restart outranks "restart needed": a kit that lists 1641 among its reboot
 * codes (as kits did before the two were told apart) still stops the run for the restart.
 */
export function exitCodeKind(setup: KitSetup, code: number): ExitCodeKind {
  const table = exitCodeTable(setup);
  if (table.success.includes(code)) return 'success';
  if (table.restarting.includes(code)) return 'restarting';
  if (table.restartNeeded.includes(code)) return 'restart-needed';
  return 'failure';
}

/** A failed setup's finding and remedy: the installer's documented meaning of its code, when it has one. */
export function setupFailure(
  setup: KitSetup,
  code: number,
  output: string,
): { finding: Message; remedy: Message } {
  const key = KNOWN_FAILURES[installerOf(setup)][code] ?? 'upgrade.setup.failed.finding';
  return {
    finding: msg(key, { code, output: output.slice(0, 300) }),
    remedy: msg(REMEDIES[key] ?? 'upgrade.setup.failed.remedy'),
  };
}

/**
 * The setup's arguments for this run: "{installPath}" (a whole element, or an .msi property's
 * whole value) becomes the site's folder; "{setupLog}" at the end of an element, the log file.
 */
export function setupArgs(setup: KitSetup, installPath: string, logFile: string): string[] {
  const msi = installerOf(setup) === 'msi';
  return setup.args.map((a) => {
    if (a === INSTALL_PATH) return installPath;
    if (msi && MSI_PROPERTY.test(a) && a.slice(a.indexOf('=') + 1) === INSTALL_PATH)
      return `${a.slice(0, a.indexOf('='))}=${installPath}`;
    if (!msi && a.endsWith(SETUP_LOG)) return `${a.slice(0, -SETUP_LOG.length)}${logFile}`;
    return a;
  });
}

/** Whether the setup writes a log of its own where the run says: msiexec always, an .exe when its kit asks. */
export const writesLog = (setup: KitSetup): boolean =>
  installerOf(setup) === 'msi' || setup.args.some((a) => a.endsWith(SETUP_LOG));
