import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type Interface, createInterface } from 'node:readline/promises';
import { parseArgs } from 'node:util';
import { type AppSession, openSession } from '../core/session';
import { sourceResourcesDir } from '../core/resources';
import { assertPracticeAllowed, thisBuild } from '../core/edition';
import type { Host } from '../core/ports';
import { parseWindowsVersion } from '../core/windows-version';
import { heldHostLog } from '../core/host-log';
import { initPracticeServer, openPracticeHost } from '../host/practice';
import { restartPracticeServer, setPracticeInstallerBusy } from '../host/practice/processes';
import { openWindowsServer } from '../host/windows/server';
import type { Language } from '../shared/i18n';
import { UpgradeError, msg } from '../shared/message';
import type { Ack } from '../shared/contract';
import type { Session } from '../shared/plan';
import { unattendedChoice } from './autopilot';
import { Interrupts, ask } from './interrupts';
import { type Choice, confirmsRollback, parseChoice, promptText, stepNeedingAdmin } from './prompt';
import { BACKUP_USAGE, backupCommand, restoreCommand } from './backup-commands';
import { kitCommand } from './kit-commands';
import { UsageError, complain, language, say } from './usage';
import { createPracticeKit } from './practice-kit';
import { practiceFarmCommand } from './practice-farm';
import { farmCommand } from './farm-commands';
import { farmDemo } from './demo-farm';
import { farmServersProblem } from '../core/farm/farm-session';
import { TerminalView, printFailure } from './terminal';

const USAGE = `crm-upgrade — CRM Upgrade Manager from a terminal

  crm-upgrade check [--practice DIR] --kit KITDIR [--json] [--lang it|en]
      Every pre-flight finding. Exit 0: the server can be upgraded now; 1: a blocking check fails; 2: bad usage or input.
  crm-upgrade run [--practice DIR] --kit KITDIR [--backup-dir DIR] [--setup-timeout SECONDS] [--notes-read]
                  [--farm-servers NAME,NAME…] [--autopilot | --rollback] [--lang it|en]
      The whole upgrade, asking you at each manual step. A run interrupted by anything continues from the kit's journal.
      --notes-read states that you have read the kit's release notes (NOTA BENE 1), for unattended use.
      --autopilot (practice servers only) does the admin's part unattended: users log off, "Aggiorna Database" pressed.
      --rollback rolls back the unfinished run found in the kit's journal, without asking.
      --farm-servers confirms the farm's application servers (this one is always in it), for unattended use.
  crm-upgrade demo [--setup-fails CODE | --mobile-setup-fails CODE] [--services-folder] [--farm N] [--lang it|en]
      Makes a practice server and kit in a temp folder and runs the whole upgrade unattended.
      --farm N: a practice farm of N servers on one SQL Server, upgraded in the farm's order, server by
      server, as the farm view directs; it ends with the farm's report.
      --setup-fails 3010 or 1641: the setup asks for the server's restart; the demo restarts the
      practice server and starts again, as the admin would. 1618: another installation is running.
      --services-folder: the CRM setup also changes C:\\inetpub\\wwwroot\\CRMServices, as the kit says.
  crm-upgrade farm status --kit KITDIR [--json] [--lang it|en]
      The farm (several application servers on the same databases) as the kit's ledger tells it: each
      server's code version and lockout, each database's version, the next thing to do and where.
      Exit 0: every server and database at the kit's version, users admitted; 1: work remains; 2: bad input.
  crm-upgrade kit keygen --out DIR [--name NAME]
  crm-upgrade kit create --version NAME --setup FILE [--setup-arg ARG…] [--mobile-setup FILE] --notes DIR --key KEY --out DIR
        [--installer msi|exe|inno] [--mobile-installer …] [--success-codes 0] [--reboot-codes 3010] [--rebooting-codes 1641]
  crm-upgrade kit verify DIR [--practice] [--trust PUBKEY.pem…] [--json]
      Exit 0: whole and signed by a trusted key; 3: signature; 4: files; 5: manifest; 2: bad usage.
${BACKUP_USAGE}
  crm-upgrade practice init DIR [--user-leaves-after SECONDS] [--modules "0, 3, 7"] [--no-mobile] [--with-services] [--windows-version 6.3.9600]
  crm-upgrade practice farm DIR --servers N [--user-leaves-after SECONDS] [--no-mobile] [--modules "..."] [--lang it|en]   (N servers, 1 to 9, sharing one SQL Server: DIR/<hostname>/)
  crm-upgrade practice kit DIR [--setup-fails CODE | --setup-hangs] [--mobile-setup-fails CODE] [--services-folder]
  crm-upgrade practice logoff DIR
  crm-upgrade practice restart DIR   (the server restarts: files a setup left for the restart are put in place)
  crm-upgrade practice installer DIR busy|idle   (another installation holds Windows Installer, or no longer)
  crm-upgrade practice aggiorna-database DIR CONNECTION
  crm-upgrade practice login DIR CONNECTION USER   (a user tries to log in; exit 1 when locked out)

The practice server is a folder that stands for a Windows server with the CRM installed, to rehearse on.
Without --practice, check and run work on the Windows server they run on (IIS, SQL Server, PowerShell).`;

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`${name} takes a whole number, not ${value}`);
  return Number(value);
}

async function practiceSession(
  args: {
    practice?: string;
    kit?: string;
    'backup-dir'?: string;
    'setup-timeout'?: string;
    'farm-servers'?: string;
  },
  readOnly: boolean,
) {
  if (!args.kit)
    throw new UsageError('--kit KITDIR is required: the folder of the upgrade kit (the USB stick).');
  let host: Host;
  // What the Windows host says while the session opens (PowerShell's start-up, SQL's attempts) goes to the run's log.
  const hostLog = heldHostLog();
  if (args.practice) {
    await allowPractice();
    host = await openPracticeHost(path.resolve(args.practice));
  } else if (process.platform === 'win32') {
    // A real server: the Windows host, never the practice one by default.
    const windows = await openWindowsServer({
      scriptsDir: path.join(sourceResourcesDir(), 'scripts'),
      log: hostLog.log,
      // The admin's folder: a SQL Server on this server writes its .bak there too (issue 14).
      ...(args['backup-dir'] ? { backupDir: path.resolve(args['backup-dir']) } : {}),
    });
    disposers.push(() => windows.dispose());
    host = windows;
  } else {
    throw new UsageError('--practice DIR is required here: a real server is upgraded on Windows only.');
  }
  const timeout = positiveInt('--setup-timeout', args['setup-timeout']);
  const farmServers = farmServersArg(args['farm-servers']);
  const session = await openSession({
    host,
    kitDir: path.resolve(args.kit),
    readOnly,
    ...(args['backup-dir'] ? { backupDir: path.resolve(args['backup-dir']) } : {}),
    ...(timeout !== undefined ? { setupTimeoutMs: timeout * 1000 } : {}),
    ...(farmServers ? { farmServers } : {}),
  });
  hostLog.attach(session.hostLog);
  return session;
}

/** --farm-servers A,B,C: Windows computer names, each checked before anything opens. */
function farmServersArg(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  const names = value.split(/[,\s]+/).filter(Boolean);
  const problem = farmServersProblem(names);
  if (names.length === 0 || problem)
    throw new UsageError(
      `--farm-servers takes Windows computer names separated by commas (letters, digits, - and _, at most 15): ${value}`,
    );
  return names;
}

/**
 * Practice mode (--practice, demo, practice …) follows the desktop app's rule: from a clone
 * always; a packaged CLI only when built as the practice edition.
 */
async function allowPractice(): Promise<void> {
  assertPracticeAllowed(await thisBuild());
}

/** Hosts opened by a command, closed when it ends (an open PowerShell keeps the process alive). */
const disposers: (() => Promise<void>)[] = [];

function attach(session: AppSession, view: TerminalView): void {
  session.subscribe((event, payload) => {
    if (event === 'session') view.onSession(payload as Session);
    else if (event === 'progress') view.onProgress(payload as Parameters<TerminalView['onProgress']>[0]);
    else view.onLog(payload as Parameters<TerminalView['onLog']>[0]);
  });
}

async function check(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      practice: { type: 'string' },
      kit: { type: 'string' },
      json: { type: 'boolean' },
      lang: { type: 'string' },
    },
    strict: true,
  });
  const lang = language(values.lang);
  const session = await practiceSession(values, true);
  const steps = await session.runChecks();
  const blocking = steps.filter((s) => s.status === 'failed' && s.severity === 'blocking');
  if (values.json) {
    const view = new TerminalView(lang, () => undefined);
    say(
      JSON.stringify(
        {
          upgradable: blocking.length === 0,
          findings: steps.map((s) => ({
            id: s.id,
            severity: s.severity,
            status: s.status,
            title: view.text(s.title),
            finding: s.finding ? view.text(s.finding) : null,
            remedy: s.remedy ? view.text(s.remedy) : null,
            evidence: s.evidence,
            durationMs: s.durationMs,
          })),
        },
        null,
        1,
      ),
    );
  } else {
    const view = new TerminalView(lang);
    for (const s of steps) for (const line of view.describe(s)) say(line);
    say();
    say(
      blocking.length === 0
        ? lang === 'it'
          ? 'Il server si può aggiornare ora.'
          : 'The server can be upgraded now.'
        : lang === 'it'
          ? `Non si può aggiornare ora: ${blocking.length} verifiche bloccanti fallite.`
          : `Cannot upgrade now: ${blocking.length} blocking checks failed.`,
    );
  }
  return blocking.length === 0 ? 0 : 1;
}

async function interactiveRun(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      practice: { type: 'string' },
      kit: { type: 'string' },
      'backup-dir': { type: 'string' },
      'setup-timeout': { type: 'string' },
      lang: { type: 'string' },
      verbose: { type: 'boolean' },
      'notes-read': { type: 'boolean' },
      'farm-servers': { type: 'string' },
      autopilot: { type: 'boolean' },
      rollback: { type: 'boolean' },
    },
    strict: true,
  });
  const lang = language(values.lang);
  if (values.autopilot && !values.practice)
    throw new UsageError('--autopilot simulates the admin on a practice server only: add --practice DIR.');
  if (values.autopilot && values.rollback)
    throw new UsageError('--autopilot and --rollback exclude each other.');
  const session = await practiceSession(values, false);
  const view = new TerminalView(lang, undefined, values.verbose ?? false);
  attach(session, view);
  const rl = process.stdin.isTTY ? createInterface({ input: process.stdin, output: process.stdout }) : null;
  const interrupts = new Interrupts(session, {
    stopping: () => say(view.text(msg('cli.stopping'))),
    exitNow: () => say(view.text(msg('cli.exit-now'))),
  });
  interrupts.install(rl);
  try {
    let snapshot = await session.handlers.getSession();
    if (snapshot.run.resumed)
      say(lang === 'it' ? `Riprendo l'esecuzione ${snapshot.run.id}.` : `Continuing run ${snapshot.run.id}.`);
    const unattended = values.rollback ? 'rollback' : values.autopilot ? 'forward' : null;
    const tried = new Set<string>();
    if (snapshot.run.actions.includes('start') && unattended !== 'rollback')
      await session.handlers.startRun();
    for (;;) {
      await session.settled();
      snapshot = await session.handlers.getSession();
      // A finished run reopened for the farm's rollback (issue 15) still offers that, and only that.
      const ended = snapshot.run.state === 'rolled-back' || snapshot.run.state === 'finished';
      if (ended && !snapshot.run.actions.includes('rollback')) break;
      if (interrupts.requested) {
        say(view.text(msg('cli.stopped')));
        return 1;
      }
      const step = stepNeedingAdmin(snapshot);
      if (step?.shows === 'release-notes' && step.actions.includes('confirm') && values['notes-read']) {
        // For scripts: the admin states on the command line that the release notes were read.
        say(lang === 'it' ? '    (--notes-read) Confermo.' : '    (--notes-read) Confirm.');
        const ack = await session.handlers.confirmStep(step.id);
        if (!ack.ok) say(`✖ ${view.text(ack.error)}`);
        continue;
      }
      if (unattended) {
        const choice = unattendedChoice(snapshot, unattended, tried);
        if (!choice || choice.kind === 'quit') {
          say(
            lang === 'it'
              ? 'Serve una decisione: nessuna scelta automatica possibile. Il giornale su questo server conserva lo stato.'
              : 'A decision is needed that cannot be made unattended. The journal on this server keeps the state.',
          );
          return snapshot.run.state === 'ready' && unattended === 'rollback' ? 0 : 1;
        }
        const ack = await act(session, choice, null, lang);
        if (ack && !ack.ok) say(`✖ ${view.text(ack.error)}`);
        continue;
      }
      if (!rl) {
        say(
          lang === 'it'
            ? 'Serve una decisione: riavvia «run» in un terminale; il giornale su questo server conserva lo stato.'
            : 'A decision is needed: run «run» again in a terminal; the journal on this server keeps the state.',
        );
        return 1;
      }
      const answer = await ask(rl, promptText(snapshot, lang), interrupts.signal);
      if (answer === null) continue;
      const choice = parseChoice(snapshot, answer);
      if (!choice) {
        say(
          lang === 'it'
            ? '✖ Tasto non valido: usa uno dei tasti elencati.'
            : '✖ Not a listed key: use one of those listed.',
        );
        continue;
      }
      if (choice.kind === 'quit') {
        say(
          lang === 'it'
            ? 'Stato salvato nel giornale su questo server.'
            : 'State saved in the journal on this server.',
        );
        return 1;
      }
      const ack = await act(session, choice, rl ? { rl, signal: interrupts.signal } : null, lang);
      if (ack && !ack.ok) say(`✖ ${view.text(ack.error)}`);
    }
    return finish(await session.handlers.getSession(), lang);
  } finally {
    interrupts.uninstall();
    rl?.close();
    await session.close();
  }
}

/** Sends the engine what the admin chose; a rollback and a skip ask what they need first. */
async function act(
  session: AppSession,
  choice: Exclude<Choice, { kind: 'quit' }>,
  prompt: { rl: Interface; signal: AbortSignal } | null,
  lang: Language,
): Promise<Ack | null> {
  const h = session.handlers;
  if (choice.kind === 'run') {
    if (choice.action === 'continue') return h.startRun();
    // --rollback on the command line is the confirmation.
    if (!prompt) return h.rollback();
    const sure = await ask(
      prompt.rl,
      lang === 'it'
        ? "Rimettere il server com'era prima dell'aggiornamento? Scrivi «sì» per confermare: "
        : 'Put the server back as it was before the upgrade? Type «yes» to confirm: ',
      prompt.signal,
    );
    return sure !== null && confirmsRollback(sure) ? h.rollback() : null;
  }
  const { step } = choice;
  switch (choice.action) {
    case 'confirm':
      return h.confirmStep(step.id);
    case 'retry':
      return h.retryStep(step.id);
    case 'skip': {
      const reason = prompt
        ? await ask(prompt.rl, lang === 'it' ? 'Motivo: ' : 'Reason: ', prompt.signal)
        : null;
      return reason === null ? null : h.skipStep(step.id, reason.trim());
    }
    case 'wait-for-users':
      return h.waitForUsers(step.id);
    case 'practice-log-off-users':
      return h.practiceLogOffUsers();
    case 'practice-aggiorna-database':
      return h.practicePressAggiornaDatabase(step.connection ?? '');
    default:
      return null;
  }
}

function finish(snapshot: Session, lang: Language): number {
  say();
  if (snapshot.report) {
    say(`${lang === 'it' ? 'Rapporto' : 'Report'}: ${snapshot.report.htmlPath}`);
    say(`JSON: ${snapshot.report.jsonPath}`);
  }
  return snapshot.run.state === 'finished' ? 0 : 1;
}

/** The run stopped for the server's restart: paused, nothing offered, a step waiting with the reason. */
function awaitsRestart(snapshot: Session): boolean {
  return (
    snapshot.run.state === 'paused' &&
    snapshot.run.actions.length === 0 &&
    snapshot.steps.some((s) => s.status === 'pending' && s.finding?.key.startsWith('upgrade.restart.'))
  );
}

/** The whole upgrade, unattended, on a fresh practice server: what a newcomer runs first. */
async function demo(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      lang: { type: 'string' },
      'setup-fails': { type: 'string' },
      'mobile-setup-fails': { type: 'string' },
      'services-folder': { type: 'boolean' },
      verbose: { type: 'boolean' },
      farm: { type: 'string' },
    },
    strict: true,
  });
  const lang = language(values.lang);
  await allowPractice();
  const fails = positiveInt('--setup-fails', values['setup-fails']);
  const farmServers = positiveInt('--farm', values.farm);
  if (farmServers !== undefined) {
    if (farmServers < 1 || farmServers > 9) throw new UsageError('--farm takes 1 to 9 servers');
    return farmDemo(farmServers, lang, fails);
  }
  const mobileFails = positiveInt('--mobile-setup-fails', values['mobile-setup-fails']);
  const root = await mkdtemp(path.join(tmpdir(), 'crm-upgrade-demo-'));
  const serverDir = path.join(root, 'server');
  const kitDir = path.join(root, 'kit');
  const it = lang === 'it';
  say(it ? `Server di prova: ${serverDir}` : `Practice server: ${serverDir}`);
  const services = values['services-folder'] ?? false;
  await initPracticeServer(serverDir, { withServices: services });
  say(it ? `Kit di prova:    ${kitDir}` : `Practice kit:    ${kitDir}`);
  await createPracticeKit(kitDir, {
    resourcesDir: sourceResourcesDir(),
    ...(fails !== undefined ? { setupFailsWith: fails } : {}),
    ...(mobileFails !== undefined ? { mobileSetupFailsWith: mobileFails } : {}),
    servicesFolder: services,
  });
  const view = new TerminalView(lang, undefined, values.verbose ?? false);
  const open = async () => {
    const opened = await openSession({ host: await openPracticeHost(serverDir), kitDir });
    attach(opened, view);
    return opened;
  };
  let session = await open();
  try {
    say(
      it
        ? "L'utente di prova esce dal CRM (Elenco Utenti Connessi)."
        : 'The practice user logs off the CRM (Elenco Utenti Connessi).',
    );
    await session.handlers.practiceLogOffUsers();
    say();
    await session.handlers.startRun();
    for (;;) {
      await session.settled();
      const snapshot = await session.handlers.getSession();
      if (awaitsRestart(snapshot)) {
        // As the admin would: the server restarts, then the upgrade manager is started again.
        say(
          it
            ? '    (demo) Il server di prova si riavvia; poi il gestore aggiornamenti riparte.'
            : '    (demo) The practice server restarts; then the upgrade manager starts again.',
        );
        await session.close();
        await restartPracticeServer(serverDir);
        session = await open();
        const ack = await session.handlers.startRun();
        if (!ack.ok) throw new UpgradeError(ack.error);
        continue;
      }
      const waiting = stepNeedingAdmin(snapshot);
      if (snapshot.run.state !== 'waiting' || !waiting?.actions.includes('confirm')) break;
      if (waiting.actions.includes('practice-aggiorna-database') && waiting.connection) {
        const connection = waiting.connection;
        say(
          it
            ? `    (demo) «Aggiorna Database» premuto per ${connection}, poi Confermo.`
            : `    (demo) "Aggiorna Database" pressed for ${connection}, then Confirm.`,
        );
        const pressed = await session.handlers.practicePressAggiornaDatabase(connection);
        if (!pressed.ok) throw new UpgradeError(pressed.error);
      } else {
        say(it ? '    (demo) Confermo.' : '    (demo) Confirm.');
      }
      const ack = await session.handlers.confirmStep(waiting.id);
      if (!ack.ok) throw new UpgradeError(ack.error);
    }
    const snapshot = await session.handlers.getSession();
    if (snapshot.run.state === 'paused') {
      say();
      say(
        it
          ? 'La demo si è fermata su un passo fallito. Ripristino dalla copia di sicurezza…'
          : 'The demo stopped on a failed step. Rolling back from the backup…',
      );
      const ack = await session.handlers.rollback();
      if (ack.ok) await session.settled();
    }
    return finish(await session.handlers.getSession(), lang);
  } finally {
    await session.close();
  }
}

async function practice(argv: string[]): Promise<number> {
  const [verb, ...rest] = argv;
  await allowPractice();
  if (verb === 'farm') return practiceFarmCommand(rest);
  if (verb === 'init') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        'user-leaves-after': { type: 'string' },
        modules: { type: 'string' },
        'no-mobile': { type: 'boolean' },
        'with-services': { type: 'boolean' },
        hostname: { type: 'string' },
        'windows-version': { type: 'string' },
      },
      strict: true,
    });
    const dir = positionals[0];
    if (!dir || positionals.length > 1) throw new UsageError('practice init DIR');
    const leaves = positiveInt('--user-leaves-after', values['user-leaves-after']);
    const windows = values['windows-version'];
    if (windows !== undefined && !parseWindowsVersion(windows))
      throw new UsageError('practice init DIR --windows-version MAJOR.MINOR.BUILD (e.g. 6.3.9600)');
    await initPracticeServer(path.resolve(dir), {
      ...(windows !== undefined ? { windowsVersion: windows } : {}),
      ...(leaves !== undefined ? { userLeavesAfterSeconds: leaves } : {}),
      ...(values.modules !== undefined ? { modules: values.modules } : {}),
      ...(values.hostname !== undefined ? { hostname: values.hostname } : {}),
      withMobile: !values['no-mobile'],
      withServices: values['with-services'] ?? false,
    });
    say(`practice server: ${path.resolve(dir)}`);
    return 0;
  }
  if (verb === 'kit') {
    const { values, positionals } = parseArgs({
      args: rest,
      allowPositionals: true,
      options: {
        'setup-fails': { type: 'string' },
        'mobile-setup-fails': { type: 'string' },
        'setup-hangs': { type: 'boolean' },
        'setup-delay-ms': { type: 'string' },
        'services-folder': { type: 'boolean' },
      },
      strict: true,
    });
    const dir = positionals[0];
    if (!dir || positionals.length > 1) throw new UsageError('practice kit DIR');
    const fails = positiveInt('--setup-fails', values['setup-fails']);
    const mobileFails = positiveInt('--mobile-setup-fails', values['mobile-setup-fails']);
    const delay = positiveInt('--setup-delay-ms', values['setup-delay-ms']);
    if (fails !== undefined && values['setup-hangs'])
      throw new UsageError('--setup-fails and --setup-hangs exclude each other');
    const manifest = await createPracticeKit(path.resolve(dir), {
      resourcesDir: sourceResourcesDir(),
      ...(fails !== undefined ? { setupFailsWith: fails } : {}),
      ...(values['setup-hangs'] ? { setupHangs: true } : {}),
      ...(mobileFails !== undefined ? { mobileSetupFailsWith: mobileFails } : {}),
      ...(delay !== undefined ? { setupDelayMs: delay } : {}),
      servicesFolder: values['services-folder'] ?? false,
    });
    say(
      `practice kit ${manifest.version}: ${path.resolve(dir)} (${manifest.files.length} files, signed with the practice key)`,
    );
    return 0;
  }
  if (verb === 'restart') {
    const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {}, strict: true });
    const [dir] = positionals;
    if (!dir || positionals.length > 1) throw new UsageError('practice restart DIR');
    await openPracticeHost(path.resolve(dir));
    const { renamed } = await restartPracticeServer(path.resolve(dir));
    say(`practice server restarted: ${renamed} files replaced at the restart`);
    return 0;
  }
  if (verb === 'installer') {
    const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {}, strict: true });
    const [dir, state] = positionals;
    if (!dir || (state !== 'busy' && state !== 'idle') || positionals.length > 2)
      throw new UsageError('practice installer DIR busy|idle');
    await openPracticeHost(path.resolve(dir));
    await setPracticeInstallerBusy(path.resolve(dir), state === 'busy');
    say(`Windows Installer on the practice server: ${state}`);
    return 0;
  }
  if (verb === 'logoff' || verb === 'aggiorna-database') {
    const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {}, strict: true });
    const [dir, connection] = positionals;
    if (
      !dir ||
      (verb === 'aggiorna-database' ? !connection || positionals.length > 2 : positionals.length > 1)
    ) {
      throw new UsageError(
        verb === 'logoff' ? 'practice logoff DIR' : 'practice aggiorna-database DIR CONNECTION',
      );
    }
    const host = await openPracticeHost(path.resolve(dir));
    if (verb === 'logoff') say(`logged off: ${await host.practice?.logOffAllUsers()}`);
    else {
      await host.practice?.pressAggiornaDatabase(connection ?? '');
      say(`Aggiornamento terminato correttamente (${connection})`);
    }
    return 0;
  }
  if (verb === 'login') {
    // A user tries to log in from their PC: refused (exit 1) while users are locked out.
    const { positionals } = parseArgs({ args: rest, allowPositionals: true, options: {}, strict: true });
    const [dir, connection, user] = positionals;
    if (!dir || !connection || !user || positionals.length > 3)
      throw new UsageError('practice login DIR CONNECTION USER');
    const host = await openPracticeHost(path.resolve(dir));
    const answer = await host.practice?.userLogsIn(connection, user);
    const view = new TerminalView('it', say);
    if (answer?.admitted) {
      say(view.text(msg('practice.login.admitted', { user, connection })));
      return 0;
    }
    say(view.text(msg('practice.login.refused', { user, connection, status: answer?.status ?? 0 })));
    return 1;
  }
  throw new UsageError(`unknown practice command: ${verb ?? '(none)'}`);
}

export async function main(argv: string[]): Promise<number> {
  try {
    return await dispatch(argv);
  } finally {
    for (const dispose of disposers.splice(0)) await dispose().catch(() => undefined);
  }
}

async function dispatch(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const lang = argv.includes('--lang') && argv[argv.indexOf('--lang') + 1] === 'en' ? 'en' : 'it';
  try {
    switch (command) {
      case 'check':
        return await check(rest);
      case 'run':
        return await interactiveRun(rest);
      case 'demo':
        return await demo(rest);
      case 'practice':
        return await practice(rest);
      case 'kit':
        return await kitCommand(rest);
      case 'farm':
        return await farmCommand(rest);
      case 'backup':
        return await backupCommand(rest);
      case 'restore':
        return await restoreCommand(rest);
      case undefined:
      case '--help':
      case '-h':
      case 'help':
        say(USAGE);
        return command === undefined ? 2 : 0;
      default:
        throw new UsageError(`unknown command: ${command}`);
    }
  } catch (err) {
    if (
      err instanceof UsageError ||
      (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))
    ) {
      complain(`crm-upgrade: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof UpgradeError) {
      printFailure(err, lang);
      return 'exitCode' in err && typeof err.exitCode === 'number' ? err.exitCode : 2;
    }
    // Never a stack trace for the admin: the message, and where the state is.
    const view = new TerminalView(lang, complain);
    complain(
      `✖ ${view.text(msg('cli.unexpected', { detail: err instanceof Error ? err.message : String(err) }))}`,
    );
    return 70;
  }
}
