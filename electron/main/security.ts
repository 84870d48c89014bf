import type { Session, WebContents } from 'electron';
import { isAppUrl } from './protocol';

/**
 * The renderer is untrusted and main runs as Administrator, so whatever a compromised page
 * could reach is reached as admin. These handlers take away what the app never needs.
 */

/** The app asks for no permission at all: camera, notifications, clipboard, HID... all refused. */
export function denyAllPermissions(session: Session): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  refuseDownloads(session);
}

/**
 * The app downloads nothing; a download started by a compromised page would be written with
 * the admin's rights wherever Electron's default puts it. Every one is cancelled before it starts.
 */
function refuseDownloads(session: Session): void {
  session.on('will-download', (event) => event.preventDefault());
}

/** A single-page app: no navigation away from app://upgrader, no new windows, no <webview>. */
export function hardenWebContents(contents: WebContents): void {
  contents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-frame-navigate', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url)) event.preventDefault();
  });
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
}
