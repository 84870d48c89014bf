import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, dialog, ipcMain, protocol, type BrowserWindow } from 'electron';
import { openSession, type AppSession } from '../core/session';
import type { EventPayload } from '../shared/contract';
import type { Host } from '../core/ports';
import { openPracticeHost } from '../host/practice/index';
import { openWindowsServer } from '../host/windows/server';
import { relaunchElevated } from './relaunch';
import { launchRefusal, parseLaunchArgs, type LaunchArgs } from './args';
import { thisBuild } from '../core/edition';
import { heldHostLog } from '../core/host-log';
import { translator } from '../core/i18n';
import { LANGUAGES, remedyOf } from '../shared/i18n';
import type { Message } from '../shared/message';
import { appWindowSender, forwardEvents, registerHandlers } from './ipc/register';
import { handleAppProtocol, registerAppScheme } from './protocol';
import { createMainWindow } from './window';

/**
 * The Electron entry (bundled to out/main/index.js). It wires the engine to one window and
 * holds no logic of its own: the engine is core, the machine is host, the rules are in the
 * modules imported above.
 */

// The bundle lives in out/main; the preload and the renderer build sit next to it in out/.
const OUT_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const PRELOAD_PATH = path.join(OUT_DIR, 'preload', 'index.cjs');
const RENDERER_ROOT = path.join(OUT_DIR, 'renderer');
const TITLE = 'CRM Upgrade Manager';

// Both must happen before 'ready'.
registerAppScheme(protocol);
app.enableSandbox();

let mainWindow: BrowserWindow | null = null;
let session: AppSession | null = null;
let closing: Promise<void> | null = null;
let disposeHost: (() => Promise<void>) | null = null;
/** What the Windows host says before and while the session opens, held for the run's log. */
const hostLog = heldHostLog();

/** Closes the session once, whichever exit path gets here first. */
function shutdown(): Promise<void> {
  if (closing === null) {
    const open = session;
    session = null;
    closing =
      open === null
        ? Promise.resolve()
        : open
            .close()
            .then(() => disposeHost?.())
            .catch((error: unknown) => {
              console.error('Closing the session failed:', error);
            });
  }
  return closing;
}

const PRACTICE_ONLY_MESSAGE = [
  'Un server reale si aggiorna solo su Windows. Qui il programma funziona in modalità prova, su una cartella che fa da server:',
  '    npm start -- --practice CARTELLA --kit CARTELLAKIT',
  'oppure, dal terminale:',
  '    npx crm-upgrade demo',
  '',
  'A real server is upgraded on Windows only. Here the program runs in practice mode, on a folder that stands for a server:',
  '    npm start -- --practice DIR --kit KITDIR',
  'or, from a terminal:',
  '    npx crm-upgrade demo',
].join('\n');

async function explainPracticeOnly(launch: LaunchArgs): Promise<void> {
  const missing =
    launch.practiceDir === undefined
      ? 'Manca --practice. / --practice is missing.'
      : 'Manca --kit. / --kit is missing.';
  console.error(`${missing}\n\n${PRACTICE_ONLY_MESSAGE}`);
  await dialog.showMessageBox({
    type: 'info',
    title: TITLE,
    message: 'Solo modalità prova / Practice mode only',
    detail: `${missing}\n\n${PRACTICE_ONLY_MESSAGE}`,
    buttons: ['OK'],
  });
}

/** Practice mode asked of a build that does not allow it: said in both languages, then the app quits. */
async function explainRefusal(refusal: Message): Promise<void> {
  const detail = LANGUAGES.map((lang) => {
    const t = translator(lang);
    const remedy = remedyOf(refusal);
    return remedy ? `${t(refusal)}\n${t(remedy)}` : t(refusal);
  }).join('\n\n');
  console.error(detail);
  await dialog.showMessageBox({
    type: 'error',
    title: TITLE,
    message: 'Modalità prova non disponibile / Practice mode not available',
    detail,
    buttons: ['OK'],
  });
}

function fail(error: unknown): void {
  const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(detail);
  dialog.showErrorBox(
    TITLE,
    'Il programma non è riuscito ad avviarsi; il dettaglio tecnico è qui sotto.\n' +
      'The program could not start; the technical detail follows.\n\n' +
      detail,
  );
  void shutdown().finally(() => app.exit(1));
}

/** Where the scripts and the kit are: packaged, beside the exe; from source, the repo. */
const SCRIPTS_DIR = app.isPackaged
  ? path.join(process.resourcesPath, 'scripts')
  : path.join(OUT_DIR, '..', 'resources', 'scripts');

async function openHost(launch: LaunchArgs): Promise<{ host: Host; kitDir: string } | 'relaunched' | null> {
  if (launch.practiceDir !== undefined) {
    if (launch.kitDir === undefined) return null;
    return { host: await openPracticeHost(launch.practiceDir), kitDir: launch.kitDir };
  }
  // A real server: never the practice host, never silently.
  if (process.platform !== 'win32') return null;
  const kitDir = launch.kitDir ?? process.env.PORTABLE_EXECUTABLE_DIR ?? path.dirname(app.getPath('exe'));
  const host = await openWindowsServer({ scriptsDir: SCRIPTS_DIR, log: hostLog.log });
  disposeHost = () => host.dispose();
  if (!(await host.system.isElevated()) && process.env.PORTABLE_EXECUTABLE_FILE) {
    const { response } = await dialog.showMessageBox({
      type: 'warning',
      title: TITLE,
      message: 'Servono i diritti di amministratore / Administrator rights are needed',
      detail:
        'Il setup del CRM e IIS richiedono un amministratore. Riavvio il programma con «Esegui come amministratore»?\n\n' +
        'The CRM setup and IIS need an administrator. Start the program again with "Run as administrator"?',
      buttons: ['Riavvia come amministratore / Restart as administrator', 'Continua / Continue'],
      defaultId: 0,
    });
    if (response === 0) {
      await relaunchElevated(process.env.PORTABLE_EXECUTABLE_FILE);
      return 'relaunched';
    }
  }
  return { host, kitDir };
}

async function start(): Promise<void> {
  const launch = parseLaunchArgs(process.argv);
  // Packaged is Electron not started as `electron <folder>`; the edition is in the app's own
  // package.json, inside app.asar (electron-builder extraMetadata), as the CLI reads them.
  const refusal = launchRefusal(launch, await thisBuild());
  if (refusal) {
    await explainRefusal(refusal);
    app.quit();
    return;
  }
  const opened_ = await openHost(launch);
  if (opened_ === 'relaunched') {
    app.quit();
    return;
  }
  if (opened_ === null) {
    await explainPracticeOnly(launch);
    app.quit();
    return;
  }

  handleAppProtocol(protocol, RENDERER_ROOT);
  const { host, kitDir } = opened_;
  const opened = await openSession({
    host,
    kitDir,
    // Packaged, keys and profiles are extraResources; from source, the repo's resources/.
    ...(app.isPackaged ? { resourcesDir: process.resourcesPath } : {}),
    // The admin corrects the CRM's folder in a picker main shows; the renderer never sends a path.
    chooseFolder: async () => {
      const picked = await dialog.showOpenDialog({ title: TITLE, properties: ['openDirectory'] });
      return picked.canceled ? null : (picked.filePaths[0] ?? null);
    },
    // The portable exe itself sits on the stick beside the kit and is not a kit file.
    ...(process.env.PORTABLE_EXECUTABLE_FILE
      ? { allowedKitExtras: [path.basename(process.env.PORTABLE_EXECUTABLE_FILE)] }
      : {}),
  });
  hostLog.attach(opened.hostLog);
  session = opened;

  registerHandlers(
    ipcMain,
    opened.handlers,
    appWindowSender(() => mainWindow?.webContents ?? null),
    { onRefused: (call, reason) => console.warn(`IPC ${call} refused: ${reason}`) },
  );
  const window = createMainWindow({ preloadPath: PRELOAD_PATH, devTools: !app.isPackaged });
  mainWindow = window;
  const stopForwarding = forwardEvents((listener) => opened.subscribe(listener), window.webContents, {
    onInvalid: (event, detail) => console.error(`Event ${event} not forwarded: ${detail}`),
  });
  // Closing the window during a run stops it at the next safe point, then closes: never half-way.
  let runState = (await opened.handlers.getSession()).run.state;
  opened.subscribe((event, payload) => {
    if (event === 'session') runState = (payload as EventPayload<'session'>).run.state;
  });
  window.on('close', (event) => {
    if (runState !== 'running' && runState !== 'rolling-back') return;
    event.preventDefault();
    opened.requestStop();
    void opened.settled().then(() => window.destroy());
  });
  window.on('closed', () => {
    stopForwarding();
    mainWindow = null;
  });
}

if (!app.requestSingleInstanceLock()) {
  // Two managers on one server would race over the same journal, pools and databases.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (mainWindow === null) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    void shutdown().finally(() => app.quit());
  });
  app.whenReady().then(start).catch(fail);
}
