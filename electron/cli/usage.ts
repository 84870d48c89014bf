import type { Language } from '../shared/i18n';

/** Bad usage of a command: main prints it with the usage text and exits 2. */
export class UsageError extends Error {}

export const say = (line = '') => process.stdout.write(`${line}\n`);
export const complain = (line: string) => process.stderr.write(`${line}\n`);

export function language(value: string | undefined): Language {
  if (value === undefined || value === 'it') return 'it';
  if (value === 'en') return 'en';
  throw new UsageError(`--lang must be it or en, not ${value}`);
}
