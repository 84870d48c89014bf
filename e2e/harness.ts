/**
 * End-to-end harness: the real renderer build, in a real Chromium, over the real preload API
 * (buildUpgraderApi) and main's own IPC validation (registerHandlers / forwardEvents), driving
 * the real engine on a fresh practice server and practice kit.
 *
 *   Chromium page ──window.upgrader (buildUpgraderApi)──▶ binding __upgraderInvoke(callName, args)
 *        ▲                                                   │ registerHandlers' listener: zod args,
 *        │ page.evaluate(__upgraderEmit)                     │ session.handlers[callName], zod result
 *        └──────── forwardEvents (zod per event) ◀── session.subscribe
 *
 * Only the transport differs from the desktop shell: a Playwright binding instead of Electron IPC,
 * http://127.0.0.1 instead of app:// (served by the same serveAppRequest, so the same CSP header).
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build as esbuild } from 'esbuild';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { createPracticeKit } from '../electron/cli/practice-kit';
import { sourceResourcesDir } from '../electron/core/resources';
import { type AppSession, openSession } from '../electron/core/session';
import { initPracticeServer, openPracticeHost } from '../electron/host/practice/index';
import type { PracticeInitOptions } from '../electron/host/practice/init';
import {
  type IpcMainLike,
  type InvokeEventLike,
  type InvokeListener,
  forwardEvents,
  registerHandlers,
} from '../electron/main/ipc/register';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY, serveAppRequest } from '../electron/main/protocol';
import { type CallName, callChannel, contract } from '../electron/shared/contract';

export { CONTENT_SECURITY_POLICY };

const execFileAsync = promisify(execFile);

export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));
export const RENDERER_DIR = path.join(REPO_ROOT, 'out', 'renderer');
export const ARTIFACTS_DIR = path.join(REPO_ROOT, 'e2e', 'artifacts');
const RENDERER_INDEX = path.join(RENDERER_DIR, 'index.html');
const CHROMIUM = '/usr/bin/chromium';
/** The engine's users re-check in these tests: fast, so that waiting for users takes no seconds. */
export const USERS_RECHECK_MS = 200;

/** Where the renderer bundle comes from: a build older than any of these is rebuilt. */
const RENDERER_SOURCES = [
  'renderer/index.html',
  'renderer/src',
  'electron/shared',
  'build/vite.renderer.config.ts',
  'build/build.mjs',
  'package.json',
].map((p) => path.join(REPO_ROOT, p));

export interface HarnessOptions {
  /** The practice kit's main setup exits with this code halfway through (1603: MSI fatal error). */
  setupFailsWith?: number;
  /** A pause per file the practice setups copy, so that progress can be watched. */
  setupDelayMs?: number;
  setupTimeoutMs?: number;
  /**
   * How often the engine runs the users check again while the admin waits (openSession's
   * usersRecheckMs). Short by default, so that no test waits seconds for the engine's timer.
   */
  usersRecheckMs?: number;
  /** How the practice server is made (e.g. the user leaves after some seconds). */
  init?: PracticeInitOptions;
  /** Changes to the practice server before the session opens (to rehearse failing checks). */
  prepare?: (serverDir: string) => Promise<void>;
  /**
   * Makes the practice servers and kit inside the harness's folder instead of the one practice
   * server and kit (e.g. a practice farm, some of its servers already driven): the window opens on
   * the server it returns, with that kit. The options above that make the server or kit are unused.
   */
  practice?: (rootDir: string) => Promise<{ serverDir: string; kitDir: string }>;
}

export interface CallRecord {
  name: string;
  /** 'ok'/'refused-ack': the engine answered (Ack ok true/false); 'rejected': the promise in the page rejected. */
  outcome: 'ok' | 'refused-ack' | 'rejected';
  error?: string;
}

export interface Harness {
  page: Page;
  context: BrowserContext;
  browser: Browser;
  session: AppSession;
  /** The temp folder holding everything below. */
  rootDir: string;
  serverDir: string;
  kitDir: string;
  /** The CRM's application folder on the practice server. */
  appDir: string;
  /** The static server's origin, http://127.0.0.1:<port>. */
  origin: string;
  /** The renderer's page, <origin>/index.html. */
  url: string;
  /** Every console.error in the page (CSP violations land here too). */
  consoleErrors: string[];
  /** Uncaught exceptions and unhandled rejections in the page. */
  pageErrors: string[];
  /** Failed requests and HTTP error answers the page got. */
  networkErrors: string[];
  /** Calls the IPC guard refused (registerHandlers' onRefused), and unknown call names. */
  refusals: string[];
  /** Engine events that did not match the contract, or could not be delivered to the page. */
  eventErrors: string[];
  /** Every call that reached the harness binding, in completion order. */
  calls: CallRecord[];
  /** Everything above that must stay empty in a clean run, one line each. */
  problems(): string[];
  close(): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// The renderer build (once per process) and the bridge bundle (once per process).

async function newestMtime(p: string): Promise<number> {
  let st;
  try {
    st = await stat(p);
  } catch {
    return 0;
  }
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of await readdir(p)) {
    if (entry === 'node_modules') continue;
    newest = Math.max(newest, await newestMtime(path.join(p, entry)));
  }
  return newest;
}

async function rendererIsFresh(): Promise<boolean> {
  if (!existsSync(RENDERER_INDEX)) return false;
  const built = (await stat(RENDERER_INDEX)).mtimeMs;
  const sources = Math.max(...(await Promise.all(RENDERER_SOURCES.map(newestMtime))));
  return built >= sources;
}

let rendererBuild: Promise<void> | null = null;

/** Builds out/renderer with the project's own build script when it is missing or older than its sources. */
export function ensureRendererBuilt(): Promise<void> {
  rendererBuild ??= (async () => {
    if (await rendererIsFresh()) return;
    try {
      await execFileAsync(process.execPath, [path.join(REPO_ROOT, 'build', 'build.mjs'), 'renderer'], {
        cwd: REPO_ROOT,
        timeout: 180_000,
        maxBuffer: 16 * 1024 * 1024,
      });
    } catch (error) {
      const e = error as { stdout?: string; stderr?: string; message: string };
      throw new Error(
        `node build/build.mjs renderer failed: ${e.message}\n${e.stdout ?? ''}\n${e.stderr ?? ''}`,
        {
          cause: error,
        },
      );
    }
    if (!existsSync(RENDERER_INDEX)) throw new Error(`the renderer build did not write ${RENDERER_INDEX}`);
  })();
  rendererBuild.catch(() => {
    rendererBuild = null; // let a later harness try again
  });
  return rendererBuild;
}

let bridgeBundle: Promise<string> | null = null;

/** e2e/bridge-entry.ts (the real buildUpgraderApi + the binding transport) as one IIFE script. */
export function bridgeScript(): Promise<string> {
  bridgeBundle ??= esbuild({
    entryPoints: [path.join(REPO_ROOT, 'e2e', 'bridge-entry.ts')],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'chrome130',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  }).then((result) => {
    const file = result.outputFiles[0];
    if (!file) throw new Error('esbuild produced no bridge bundle');
    return file.text;
  });
  return bridgeBundle;
}

// ---------------------------------------------------------------------------------------------
// The static server: out/renderer through the app's own app:// handler, so the same CSP.

async function serve(root: string): Promise<{ server: Server; origin: string }> {
  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = req.url ?? '';
    // Only origin-relative paths: "app://upgrader" + "@evil/" would otherwise change the host.
    if (!target.startsWith('/')) {
      res.writeHead(400, { 'Content-Security-Policy': CONTENT_SECURITY_POLICY }).end();
      return;
    }
    // serveAppRequest refuses what is not GET/HEAD, what leaves `root` (resolveInside) and
    // what is missing, and sends the Content-Security-Policy header with every answer.
    const answer = await serveAppRequest(
      root,
      new Request(`${APP_ORIGIN}${target}`, { method: req.method ?? 'GET' }),
    );
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      headers[name] = value;
    });
    res.writeHead(answer.status, headers);
    res.end(req.method === 'HEAD' ? undefined : Buffer.from(await answer.arrayBuffer()));
  };
  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return { server, origin: `http://127.0.0.1:${port}` };
}

// ---------------------------------------------------------------------------------------------

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

export async function startHarness(options: HarnessOptions = {}): Promise<Harness> {
  const [script] = await Promise.all([bridgeScript(), ensureRendererBuilt()]);

  const rootDir = await mkdtemp(path.join(tmpdir(), 'crm-e2e-'));
  let serverDir = path.join(rootDir, 'server');
  let kitDir = path.join(rootDir, 'kit');
  const cleanups: (() => Promise<unknown> | unknown)[] = [];
  let closed = false;
  const close = async (): Promise<void> => {
    if (closed) return;
    closed = true;
    const errors: unknown[] = [];
    for (const cleanup of cleanups.reverse()) {
      try {
        await cleanup();
      } catch (error) {
        errors.push(error);
      }
    }
    if (process.env.E2E_KEEP) console.log(`e2e: kept ${rootDir}`);
    else await rm(rootDir, { recursive: true, force: true });
    if (errors.length > 0) throw new AggregateError(errors, 'harness close failed');
  };

  try {
    if (options.practice) ({ serverDir, kitDir } = await options.practice(rootDir));
    else {
      await initPracticeServer(serverDir, options.init);
      await options.prepare?.(serverDir);
      await createPracticeKit(kitDir, {
        resourcesDir: sourceResourcesDir(),
        ...(options.setupFailsWith !== undefined ? { setupFailsWith: options.setupFailsWith } : {}),
        ...(options.setupDelayMs !== undefined ? { setupDelayMs: options.setupDelayMs } : {}),
      });
    }
    const host = await openPracticeHost(serverDir);
    const session = await openSession({
      host,
      kitDir,
      ...(options.setupTimeoutMs !== undefined ? { setupTimeoutMs: options.setupTimeoutMs } : {}),
      usersRecheckMs: options.usersRecheckMs ?? USERS_RECHECK_MS,
    });
    cleanups.push(() => withTimeout(session.close(), 60_000, 'session.close()'));

    const { server, origin } = await serve(RENDERER_DIR);
    cleanups.push(
      () =>
        new Promise<void>((resolve) => {
          server.closeAllConnections();
          server.close(() => resolve());
        }),
    );

    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--no-first-run',
        '--disable-sync',
      ],
    });
    cleanups.push(() => browser.close());
    const context = await browser.newContext({
      viewport: { width: 1280, height: 900 },
      locale: 'it-IT',
      timezoneId: 'Europe/Rome',
      colorScheme: 'light',
    });
    const page = await context.newPage();

    const consoleErrors: string[] = [];
    const pageErrors: string[] = [];
    const networkErrors: string[] = [];
    const refusals: string[] = [];
    const eventErrors: string[] = [];
    const calls: CallRecord[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') {
        const where = message.location();
        consoleErrors.push(`${message.text()}${where.url ? ` (${where.url}:${where.lineNumber})` : ''}`);
      }
    });
    page.on('pageerror', (error) => pageErrors.push(`${error.name}: ${error.message}`));
    page.on('requestfailed', (request) =>
      networkErrors.push(`${request.method()} ${request.url()}: ${request.failure()?.errorText ?? 'failed'}`),
    );
    page.on('response', (response) => {
      if (response.status() >= 400) networkErrors.push(`${response.status()} ${response.url()}`);
    });

    // main's own IPC guard, over a stand-in for ipcMain: same zod checks of arguments and results.
    const listeners = new Map<string, InvokeListener>();
    const ipcMain: IpcMainLike = {
      handle: (channel, listener) => void listeners.set(channel, listener),
      removeHandler: (channel) => void listeners.delete(channel),
    };
    // Like appWindowSender: this page, its main frame, showing our own origin.
    const isTrustedSender = (event: InvokeEventLike): boolean => {
      if (event.sender !== page || !event.senderFrame || event.senderFrame.parent !== null) return false;
      try {
        return new URL(event.senderFrame.url).origin === origin;
      } catch {
        return false;
      }
    };
    const unregister = registerHandlers(ipcMain, session.handlers, isTrustedSender, {
      onRefused: (call, reason) => refusals.push(`${call}: ${reason}`),
    });
    cleanups.push(unregister);

    await page.exposeBinding('__upgraderInvoke', async (source, callName: unknown, args: unknown) => {
      const name = typeof callName === 'string' ? callName : String(callName);
      try {
        if (typeof callName !== 'string' || !Object.hasOwn(contract.calls, callName)) {
          refusals.push(`${name.slice(0, 64)}: unknown call`);
          throw new Error(`IPC call "${name.slice(0, 64)}" refused: unknown call`);
        }
        if (!Array.isArray(args)) {
          refusals.push(`${callName}: arguments are not a list`);
          throw new Error(`IPC call "${callName}" refused: invalid arguments`);
        }
        const listener = listeners.get(callChannel(callName as CallName));
        if (!listener) throw new Error(`IPC call "${callName}" refused: no handler`);
        const event: InvokeEventLike = {
          sender: source.page,
          senderFrame: { url: source.frame.url(), parent: source.frame.parentFrame() },
        };
        const result = await listener(event, ...(args as unknown[]));
        const ok = (result as { ok?: unknown } | null)?.ok;
        calls.push({ name, outcome: ok === false ? 'refused-ack' : 'ok' });
        return result;
      } catch (error) {
        calls.push({
          name,
          outcome: 'rejected',
          error: error instanceof Error ? error.message : String(error),
        });
        throw error;
      }
    });

    // Engine events, checked against the contract by main's forwardEvents, delivered in order.
    // Every event is delivered, but those that queued up while the page was busy go over in one
    // page.evaluate: one round trip per event falls behind the engine on a loaded machine (a users
    // re-check every 200 ms sends several session snapshots each time), and the page would then
    // show a state the engine left long ago. Electron's IPC does not wait for the renderer either.
    let queued: (readonly [string, unknown])[] = [];
    let delivering = false;
    const deliver = async (): Promise<void> => {
      delivering = true;
      while (queued.length > 0) {
        const batch = queued;
        queued = [];
        try {
          await page.evaluate((events) => {
            for (const [c, p] of events) window.__upgraderEmit?.(c, p);
          }, batch);
        } catch (error) {
          if (!closed && !page.isClosed())
            eventErrors.push(`${batch.map(([c]) => c).join(', ')}: ${String(error)}`);
        }
      }
      delivering = false;
    };
    // As main does: the session's subscribe is a method, so it is called on the session.
    const stopEvents = forwardEvents(
      (listener) => session.subscribe(listener),
      {
        isDestroyed: () => closed || page.isClosed(),
        send: (channel, payload) => {
          queued.push([channel, payload]);
          if (!delivering) void deliver();
        },
      },
      { onInvalid: (event, detail) => eventErrors.push(`${event} does not match the contract: ${detail}`) },
    );
    cleanups.push(stopEvents);

    await page.addInitScript({ content: script });
    await mkdir(ARTIFACTS_DIR, { recursive: true });

    return {
      page,
      context,
      browser,
      session,
      rootDir,
      serverDir,
      kitDir,
      appDir: path.join(serverDir, 'C', 'inetpub', 'wwwroot', 'CRM'),
      origin,
      url: `${origin}/index.html`,
      consoleErrors,
      pageErrors,
      networkErrors,
      refusals,
      eventErrors,
      calls,
      problems: () => [
        ...consoleErrors.map((e) => `console error: ${e}`),
        ...pageErrors.map((e) => `page error: ${e}`),
        ...networkErrors.map((e) => `network: ${e}`),
        ...eventErrors.map((e) => `event: ${e}`),
      ],
      close,
    };
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}
