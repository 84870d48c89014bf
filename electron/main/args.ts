import path from 'node:path';
import { type BuildFacts, practiceRefusal } from '../core/edition';
import type { Message } from '../shared/message';

/** What the desktop shell was asked to open, read from its command line. */
export interface LaunchArgs {
  /** --practice DIR: the folder that stands for a Windows server (practice mode). */
  practiceDir?: string;
  /** --kit DIR: the upgrade kit's folder (the USB stick). */
  kitDir?: string;
}

const FLAGS = { '--practice': 'practiceDir', '--kit': 'kitDir' } as const;
type Flag = keyof typeof FLAGS;

function isFlag(value: string): value is Flag {
  return Object.hasOwn(FLAGS, value);
}

/**
 * Reads `--practice DIR` and `--kit DIR` (or `--flag=DIR`) anywhere in argv: Electron's argv
 * starts with the executable and, in development, the script, and Chromium may add switches.
 * Directories are resolved against `cwd`. A flag without a value is left out.
 */
export function parseLaunchArgs(argv: readonly string[], cwd: string = process.cwd()): LaunchArgs {
  const result: LaunchArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    const eq = arg.indexOf('=');
    const name = eq === -1 ? arg : arg.slice(0, eq);
    if (!isFlag(name)) continue;
    let value: string | undefined;
    if (eq !== -1) {
      value = arg.slice(eq + 1);
    } else {
      const next = argv[i + 1];
      if (next !== undefined && !next.startsWith('--')) {
        value = next;
        i++;
      }
    }
    if (value !== undefined && value !== '') result[FLAGS[name]] = path.resolve(cwd, value);
  }
  return result;
}

/**
 * Why this launch may not go on, or null: `--practice` in a packaged build that is not the
 * practice edition (the rule is core's practiceRefusal, the same one the CLI follows).
 */
export function launchRefusal(launch: LaunchArgs, build: BuildFacts): Message | null {
  return launch.practiceDir === undefined ? null : practiceRefusal(build);
}
