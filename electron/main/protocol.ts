import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Protocol } from 'electron';

/**
 * The renderer is served from a privileged custom scheme instead of file:// (security
 * checklist #18): file:// pages can read any file, an app:// page only what this handler serves.
 * Electron is taken as a parameter (type import only), so this module runs in plain Node tests.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'upgrader';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** Sent with every app:// response; the renderer needs nothing remote, inline or evaluated. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

/**
 * Whether a URL belongs to the app's own origin. Compares scheme and host rather than
 * URL.origin, because WHATWG URL gives every non-special scheme the opaque origin "null".
 */
export function isAppUrl(url: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  return (
    parsed.protocol === `${APP_SCHEME}:` &&
    parsed.host === APP_HOST &&
    parsed.username === '' &&
    parsed.password === ''
  );
}

/**
 * Maps a URL pathname to a file inside `root`, or null when it would leave `root` or names
 * something no build output is called. `pathApi` lets tests run the Windows rules on Linux.
 */
export function resolveInside(
  root: string,
  urlPathname: string,
  pathApi: path.PlatformPath = path,
): string | null {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPathname);
  } catch {
    return null; // malformed percent-encoding
  }
  // NUL ends strings in the OS; a backslash is a separator on Windows only; a colon makes a
  // drive letter or an NTFS alternate data stream. None appear in a Vite build's file names.
  if (decoded.includes('\0') || /[\\:]/.test(decoded)) return null;
  const relative = decoded === '' || decoded === '/' ? 'index.html' : decoded.replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) return null;

  const rootAbs = pathApi.resolve(root);
  const full = pathApi.resolve(rootAbs, relative);
  const rel = pathApi.relative(rootAbs, full);
  if (rel === '' || rel === '..' || rel.startsWith(`..${pathApi.sep}`) || pathApi.isAbsolute(rel)) {
    return null;
  }
  return full;
}

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

function securityHeaders(): Record<string, string> {
  return {
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
  };
}

function refuse(status: 404 | 405): Response {
  return new Response(status === 404 ? 'Not found' : 'Method not allowed', {
    status,
    headers: { ...securityHeaders(), 'Content-Type': 'text/plain; charset=utf-8' },
  });
}

/** Answers one app:// request from the files under `root` (out/renderer). */
export async function serveAppRequest(root: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return refuse(405);
  let url: URL;
  try {
    url = new URL(request.url);
  } catch {
    return refuse(404);
  }
  if (!isAppUrl(url.href)) return refuse(404);
  const file = resolveInside(root, url.pathname);
  if (file === null) return refuse(404);

  let body: Buffer;
  try {
    body = await readFile(file);
  } catch {
    return refuse(404); // missing, a directory, or unreadable: the renderer learns nothing more
  }
  const type = MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: { ...securityHeaders(), 'Content-Type': type },
  });
}

/**
 * Must run before app 'ready'. standard: relative URLs and a real origin; secure: treated like
 * https; supportFetchAPI: the renderer's module scripts load through fetch.
 */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
  ]);
}

/** After 'ready': serve app:// from the renderer build output. */
export function handleAppProtocol(protocol: Pick<Protocol, 'handle'>, root: string): void {
  protocol.handle(APP_SCHEME, (request) => serveAppRequest(root, request));
}
