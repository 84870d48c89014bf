import { BrowserWindow } from 'electron';
import { APP_ENTRY_URL } from './protocol';
import { denyAllPermissions, hardenWebContents } from './security';

export interface MainWindowOptions {
  /** Absolute path of the bundled preload, out/preload/index.cjs. */
  preloadPath: string;
  /** Developer tools only in a development run, never in the packaged admin exe. */
  devTools: boolean;
}

/** The one window: a sandboxed, isolated renderer with no Node, loading the app:// page. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1200,
    height: 820,
    minWidth: 900,
    minHeight: 600,
    title: 'CRM Upgrade Manager',
    show: false, // shown once painted, so the admin never sees a blank white frame
    autoHideMenuBar: true,
    webPreferences: {
      preload: options.preloadPath, // eng-disable PRELOAD_JS_CHECK — it exposes only the zod-validated IPC API through contextBridge, in a sandbox
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webviewTag: false,
      devTools: options.devTools,
      spellcheck: false,
      // A middle click opens no new window (Electronegativity's AUXCLICK check).
      disableBlinkFeatures: 'Auxclick',
    },
  });

  denyAllPermissions(window.webContents.session);
  hardenWebContents(window.webContents);
  window.once('ready-to-show', () => window.show());
  void window.loadURL(APP_ENTRY_URL);
  return window;
}
