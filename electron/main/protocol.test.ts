import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  APP_ENTRY_URL,
  CONTENT_SECURITY_POLICY,
  handleAppProtocol,
  isAppUrl,
  registerAppScheme,
  resolveInside,
  serveAppRequest,
} from './protocol';

describe('resolveInside (POSIX)', () => {
  const root = '/app/out/renderer';

  it('maps the root and ordinary files inside the root', () => {
    expect(resolveInside(root, '/')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/assets/index-4f3a.js')).toBe(path.join(root, 'assets', 'index-4f3a.js'));
    expect(resolveInside(root, '/assets/a%20b.css')).toBe(path.join(root, 'assets', 'a b.css'));
    expect(resolveInside(root, '/assets/../index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveInside(root, '/..foo.js')).toBe(path.join(root, '..foo.js'));
  });

  it.each([
    ['a parent directory', '/../main/index.js'],
    ['an encoded parent directory', '/%2e%2e/%2e%2e/etc/passwd'],
    ['an encoded slash', '/..%2f..%2fetc%2fpasswd'],
    ['a sibling with the same prefix', '/../renderer-evil/x.js'],
    ['an absolute path in the segment', '//etc/passwd/../../../etc/passwd'],
    ['a backslash', '/..%5c..%5cetc%5cpasswd'],
    ['a NUL byte', '/index.html%00.js'],
    ['a colon', '/index.html:stream'],
    ['malformed encoding', '/%E0%A4%A'],
    ['the root itself', '/.'],
    ['a directory', '/assets/'],
  ])('refuses %s', (_what, pathname) => {
    expect(resolveInside(root, pathname)).toBeNull();
  });
});

describe('resolveInside (Windows rules)', () => {
  const win = path.win32;
  const root = 'C:\\Temp\\ns1234.tmp\\resources\\app.asar\\out\\renderer';

  it('maps files inside the root', () => {
    expect(resolveInside(root, '/assets/app.js', win)).toBe(`${root}\\assets\\app.js`);
  });

  it.each([
    ['a backslash traversal', '/..%5C..%5Cmain%5Cindex.js'],
    ['a drive letter', '/C:/Windows/win.ini'],
    ['a UNC path', '/%5C%5Cserver%5Cshare%5Cx'],
    ['an alternate data stream', '/index.html::$DATA'],
    ['a parent directory', '/../../../../Windows/win.ini'],
  ])('refuses %s', (_what, pathname) => {
    expect(resolveInside(root, pathname, win)).toBeNull();
  });
});

describe('isAppUrl', () => {
  it('accepts only app://upgrader', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://upgrader/assets/x.js?v=1#top')).toBe(true);
    for (const url of [
      'app://upgrader.evil/index.html',
      'app://evil/index.html',
      'app://user:pw@upgrader/',
      'file:///C:/index.html',
      'https://upgrader/index.html',
      'about:blank',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });
});

describe('serveAppRequest', () => {
  let root: string;
  let outside: string;

  beforeAll(() => {
    const base = mkdtempSync(path.join(tmpdir(), 'app-protocol-'));
    root = path.join(base, 'renderer');
    outside = path.join(base, 'secret.txt');
    mkdirSync(path.join(root, 'assets'), { recursive: true });
    writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>ok</title>');
    writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(outside, 'top secret');
  });

  afterAll(() => {
    rmSync(path.dirname(root), { recursive: true, force: true });
  });

  it('serves index.html with the CSP and its content type', async () => {
    const response = await serveAppRequest(root, new Request(APP_ENTRY_URL));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toContain('<title>ok</title>');
  });

  it('serves scripts as JavaScript', async () => {
    const response = await serveAppRequest(root, new Request('app://upgrader/assets/app.js'));
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it.each([
    'app://upgrader/../secret.txt',
    'app://upgrader/%2e%2e/secret.txt',
    'app://upgrader/..%2fsecret.txt',
    'app://upgrader/missing.js',
    'app://upgrader/assets',
    'app://other/index.html',
  ])('answers 404 to %s, with the CSP', async (url) => {
    const response = await serveAppRequest(root, new Request(url));
    expect(response.status).toBe(404);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(await response.text()).not.toContain('top secret');
  });

  it('refuses methods other than GET and HEAD', async () => {
    const response = await serveAppRequest(root, new Request(APP_ENTRY_URL, { method: 'POST', body: 'x' }));
    expect(response.status).toBe(405);
  });

  it('is what the registered app:// handler answers with', async () => {
    const handle = vi.fn();
    handleAppProtocol({ handle }, root);
    expect(handle).toHaveBeenCalledWith('app', expect.any(Function));
    const handler = handle.mock.calls[0]?.[1] as (request: Request) => Promise<Response>;
    expect((await handler(new Request(APP_ENTRY_URL))).status).toBe(200);
  });
});

describe('registerAppScheme', () => {
  it('registers app as a standard, secure, fetch-capable scheme', () => {
    const registerSchemesAsPrivileged = vi.fn();
    registerAppScheme({ registerSchemesAsPrivileged });
    expect(registerSchemesAsPrivileged).toHaveBeenCalledExactlyOnceWith([
      { scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } },
    ]);
  });
});
