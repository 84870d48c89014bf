import path from 'node:path';
import { parseArgs } from 'node:util';
import { initPracticeFarm } from '../host/practice';
import { msg } from '../shared/message';
import { TerminalView } from './terminal';
import { UsageError, language, say } from './usage';

export const PRACTICE_FARM_USAGE =
  'practice farm DIR --servers N (1 to 9) [--user-leaves-after SECONDS] [--no-mobile] [--modules "0, 3, 7"] [--lang it|en]';

const wholeNumber = (name: string, value: string | undefined): number | undefined => {
  if (value === undefined) return undefined;
  if (!/^\d{1,9}$/.test(value)) throw new UsageError(`${name} must be a whole number, not ${value}`);
  return Number(value);
};

/** `crm-upgrade practice farm DIR --servers N`: N practice servers sharing one practice SQL Server. */
export async function practiceFarmCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      servers: { type: 'string' },
      'user-leaves-after': { type: 'string' },
      modules: { type: 'string' },
      'no-mobile': { type: 'boolean' },
      lang: { type: 'string' },
    },
    strict: true,
  });
  const lang = language(values.lang);
  const dir = positionals[0];
  if (!dir || positionals.length > 1) throw new UsageError(PRACTICE_FARM_USAGE);
  // A number out of 1–9 is the farm's to refuse, in the admin's language, with what to do.
  const servers = wholeNumber('--servers', values.servers);
  if (servers === undefined) throw new UsageError(`--servers N is required: ${PRACTICE_FARM_USAGE}`);
  const leaves = wholeNumber('--user-leaves-after', values['user-leaves-after']);
  const farm = await initPracticeFarm(path.resolve(dir), {
    servers,
    ...(leaves !== undefined ? { userLeavesAfterSeconds: leaves } : {}),
    ...(values.modules !== undefined ? { modules: values.modules } : {}),
    withMobile: !values['no-mobile'],
  });
  const view = new TerminalView(lang, say);
  say(view.text(msg('practice-farm.made', { dir: farm.dir, count: farm.servers.length })));
  for (const s of farm.servers)
    say(view.text(msg('practice-farm.server', { hostname: s.hostname, dir: s.dir })));
  say(view.text(msg('practice-farm.sql', { sqlServer: farm.sqlServer, instance: farm.instance })));
  say(view.text(msg('practice-farm.next', { dir: farm.servers[0]?.dir ?? farm.dir })));
  return 0;
}
