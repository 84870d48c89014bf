import { access, readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { farmStatusOnKit } from '../core/farm/farm-session';
import { translator } from '../core/i18n';
import { KIT_MANIFEST } from '../core/kit/kit-manifest';
import type { FarmStatus } from '../shared/farm';
import type { Language } from '../shared/i18n';
import { UpgradeError, msg } from '../shared/message';
import { UsageError, language, say } from './usage';

const WORDS = {
  it: {
    heading: (kit: string, from: string | null) => `Farm: da ${from ?? '?'} a ${kit}`,
    servers: 'Server',
    connections: 'Database',
    thisServer: 'questo server',
    mustRollBack: 'DA RIPRISTINARE',
    lockout: { on: 'utenti bloccati', off: 'aperto', unknown: 'accesso non noto' },
    pools: { started: 'pool avviati', stopped: 'pool fermi', unknown: 'pool non noti' },
    updatedBy: 'aggiornato da',
    backedUpBy: 'copia di',
    restoredBy: 'ripristinato da',
    next: 'Prossimo passo',
    complete: 'Farm completata.',
    problems: 'Problemi',
  },
  en: {
    heading: (kit: string, from: string | null) => `Farm: from ${from ?? '?'} to ${kit}`,
    servers: 'Servers',
    connections: 'Databases',
    thisServer: 'this server',
    mustRollBack: 'TO ROLL BACK',
    lockout: { on: 'users locked out', off: 'open', unknown: 'access unknown' },
    pools: { started: 'pools started', stopped: 'pools stopped', unknown: 'pools unknown' },
    updatedBy: 'updated by',
    backedUpBy: 'backup by',
    restoredBy: 'restored by',
    next: 'Next step',
    complete: 'Farm complete.',
    problems: 'Problems',
  },
} as const;

/** The farm as lines for a terminal: servers × code and lockout, databases × version, the next step. */
export function farmStatusLines(farm: FarmStatus, lang: Language): string[] {
  const w = WORDS[lang];
  const t = translator(lang);
  const lines = [w.heading(farm.kitVersion, farm.fromVersion), `${w.servers}:`];
  for (const s of farm.servers) {
    const marks = [s.isThis ? w.thisServer : '', s.mustRollBack ? w.mustRollBack : ''].filter(Boolean);
    const where = s.step
      ? `, ${s.step.id} (${t({ key: s.step.waitsOnFarm ? 'status.waiting-farm' : `status.${s.step.status}` })})`
      : '';
    const run = t({ key: `farm.run-state.${s.runState ?? 'none'}` });
    lines.push(
      `  ${s.hostname}${marks.length ? ` [${marks.join(', ')}]` : ''}: ${s.codeVersion ?? '?'} · ${w.lockout[s.lockout]} · ${w.pools[s.pools]} · ${run}${where}`,
    );
  }
  lines.push(`${w.connections}:`);
  for (const c of farm.connections) {
    const who = [
      c.backedUpBy ? `${w.backedUpBy} ${c.backedUpBy}` : '',
      c.updatedBy ? `${w.updatedBy} ${c.updatedBy}` : '',
      c.restoredBy ? `${w.restoredBy} ${c.restoredBy}` : '',
    ].filter(Boolean);
    lines.push(
      `  ${c.connection} (${c.database}): ${c.version ?? '?'}${who.length ? ` · ${who.join(' · ')}` : ''}`,
    );
  }
  if (farm.problems.length > 0) lines.push(`${w.problems}:`, ...farm.problems.map((p) => `  ${t(p)}`));
  lines.push(farm.complete ? w.complete : `${w.next}: ${t(farm.next.message)}`);
  return lines;
}

/** The version the kit says it is: the ledger is filed under it. */
async function kitVersionOf(kitDir: string): Promise<string> {
  const file = path.join(kitDir, KIT_MANIFEST);
  const exists = await access(file).then(
    () => true,
    () => false,
  );
  if (!exists) throw new UpgradeError(msg('farm.status.no-kit', { dir: kitDir }));
  try {
    const version = (JSON.parse(await readFile(file, 'utf8')) as { version?: unknown }).version;
    if (typeof version === 'string' && version.length > 0 && version.length <= 64) return version;
  } catch {
    // Said below, as any kit.json without a version.
  }
  throw new UpgradeError(msg('farm.status.no-kit', { dir: kitDir }));
}

/**
 * `farm status --kit DIR [--json]`: the farm as the kit's ledger tells it, from any computer.
 * Exit 0 when every server and database is at the kit's version and open; 1 when work remains.
 */
export async function farmCommand(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb !== 'status') throw new UsageError(`unknown farm command: ${verb ?? '(none)'}`);
  const { values, positionals } = parseArgs({
    args: rest,
    allowPositionals: true,
    options: { kit: { type: 'string' }, json: { type: 'boolean' }, lang: { type: 'string' } },
    strict: true,
  });
  const lang = language(values.lang);
  if (!values.kit || positionals.length > 0)
    throw new UsageError('farm status --kit KITDIR [--json] [--lang it|en]');
  const kitDir = path.resolve(values.kit);
  const kitVersion = await kitVersionOf(kitDir);
  const status = await farmStatusOnKit(kitDir, kitVersion);
  if (values.json) say(JSON.stringify(status, null, 1));
  else for (const line of farmStatusLines(status, lang)) say(line);
  return status.complete ? 0 : 1;
}
