import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import tls from 'node:tls';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CrmSite } from '../../core/ports';
import type { UpgradeError } from '../../shared/message';
import { APP_OFFLINE } from '../lockout';
import type { ExecFileFn } from './appcmd';
import { runnerAnswering } from './fixtures/fake-shell';
import { maintenancePage, windowsIis } from './iis';
import { requestTarget, trustedCertificates } from './site-request';

/*
 * The site request as IIS routes it: to this server, with the site's Host header (and SNI), the
 * certificate checked against the trusted roots and reported. Windows only, not provable here:
 * that HTTP.sys routes by the Host header this way, and that tls.getCACertificates('system')
 * holds the internal CA trusted in the machine's certificate store (e2e/windows/ACCEPTANCE.md).
 */

const SCRIPTS_DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const ENV = { SystemRoot: 'C:\\Windows', SystemDrive: 'C:', PROCESSOR_ARCHITECTURE: 'AMD64' };
const b = (protocol: string, bindingInformation: string) => ({ protocol, bindingInformation });

describe('where the request goes', () => {
  it('a host header binding: to 127.0.0.1 at its port, its name in Host and SNI', () => {
    expect(
      requestTarget('https://crm.contoso.local:8443/CRM/', {
        bindings: [b('https', '*:8443:crm.contoso.local')],
      }),
    ).toEqual({
      protocol: 'https',
      address: '127.0.0.1',
      port: 8443,
      host: 'crm.contoso.local:8443',
      servername: 'crm.contoso.local',
      path: '/CRM/',
    });
  });

  it('a binding on one address: to that address; an IPv6-only binding on loopback: to [::1]', () => {
    expect(
      requestTarget('http://crm.local/', { bindings: [b('http', '10.0.0.5:80:crm.local')] }),
    ).toMatchObject({
      address: '10.0.0.5',
      port: 80,
      host: 'crm.local',
    });
    expect(requestTarget('http://localhost:8080/', { bindings: [b('http', '[::]:8080:')] })).toMatchObject({
      address: '::1',
      host: 'localhost:8080',
    });
    expect(requestTarget('http://[::1]:81/', { bindings: null })).toMatchObject({
      address: '::1',
      host: '[::1]:81',
    });
    expect(requestTarget('http://localhost/', { bindings: null })).toMatchObject({
      address: '127.0.0.1',
      host: 'localhost',
    });
    expect(requestTarget('http://localhost/', { bindings: null }).servername).toBe('localhost');
    expect(requestTarget('http://10.0.0.5/', { bindings: null }).servername).toBeUndefined();
  });

  it('from outside: at a network address of this server, the host name kept', () => {
    const facts = { from: 'outside' as const, outsideAddress: '10.0.0.7' };
    expect(
      requestTarget('http://crm.contoso.local/', {
        ...facts,
        bindings: [b('http', '*:80:crm.contoso.local')],
      }),
    ).toMatchObject({ address: '10.0.0.7', host: 'crm.contoso.local' });
    // A `*` binding answers any name: the address is what a user types.
    expect(
      requestTarget('http://localhost:8080/', { ...facts, bindings: [b('http', '*:8080:')] }),
    ).toMatchObject({
      address: '10.0.0.7',
      port: 8080,
      host: '10.0.0.7:8080',
    });
    expect(
      requestTarget('http://crm/', { ...facts, bindings: [b('http', '10.0.0.9:80:crm')] }),
    ).toMatchObject({
      address: '10.0.0.9',
    });
  });

  it('from this server during a lockout: at its loopback binding, the host name kept', () => {
    expect(
      requestTarget('https://crm.contoso.local/', {
        from: 'loopback',
        loopbackUrl: 'https://127.0.0.1/',
        bindings: [b('https', '*:443:crm.contoso.local')],
      }),
    ).toMatchObject({
      address: '127.0.0.1',
      port: 443,
      host: 'crm.contoso.local',
      servername: 'crm.contoso.local',
    });
  });

  it('trusts the operating system’s store beside Node’s own roots', () => {
    const roots = new Set(trustedCertificates());
    const system = (tls as typeof tls & { getCACertificates: (t: string) => string[] }).getCACertificates(
      'system',
    );
    expect(system.length).toBeGreaterThan(0);
    expect(system.every((c) => roots.has(c))).toBe(true);
    expect(tls.rootCertificates.every((c) => roots.has(c))).toBe(true);
  });
});

/** appcmd as far as the request asks it: the site's bindings and its pool's runtime. */
function appcmdFor(bindings: string, runtime = 'v4.0'): ExecFileFn {
  return async (_file, args) => {
    if (args[0] === 'list' && args[1] === 'site') return { code: 0, stdout: `${bindings}\r\n`, stderr: '' };
    if (args[0] === 'list' && args[1] === 'apppool')
      return {
        code: 0,
        stdout: `APPPOOL "CRMAppPool" (MgdVersion:${runtime},MgdMode:Integrated,state:Started)\r\n`,
        stderr: '',
      };
    return { code: 1, stdout: 'ERROR ( message:unexpected )', stderr: '' };
  };
}

const crm = (url: string, physicalPath: string): CrmSite => ({
  siteName: 'CRM',
  appPath: '/',
  physicalPath,
  pools: ['CRMAppPool'],
  url,
});

describe('the request over real sockets', () => {
  let dir = '';
  let certs: { ca: string; key: string; cert: string };
  /** What the stand-in for HTTP.sys received: Host header, SNI, path. */
  const seen: { host?: string; servername?: string | false | null; path?: string }[] = [];
  const answer = { status: 200, body: '<html>CRM</html>', location: '' };
  const handler: http.RequestListener = (req, res) => {
    seen.push({ host: req.headers.host, servername: (req.socket as TLSSocket).servername, path: req.url });
    if (req.url === '/old/') return void res.writeHead(302, { location: '/CRM/' }).end();
    if (req.url === '/sso/') return void res.writeHead(302, { location: 'https://login.example/' }).end();
    res.writeHead(answer.status, { 'x-crm-version': '7.8.5.13100517_x64' }).end(answer.body);
  };
  let httpServer: http.Server;
  let httpsServer: https.Server;
  let httpPort = 0;
  let httpsPort = 0;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'crmum-request-'));
    // An internal CA and the site's certificate it issued, as a company's own PKI would.
    const run = (args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
    run([
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'ca.key',
      '-out',
      'ca.pem',
      '-days',
      '2',
      '-subj',
      '/CN=Contoso Internal CA',
    ]);
    run([
      'req',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'site.key',
      '-out',
      'site.csr',
      '-subj',
      '/CN=crm.contoso.local',
    ]);
    await writeFile(path.join(dir, 'san.ext'), 'subjectAltName=DNS:crm.contoso.local\n');
    run([
      'x509',
      '-req',
      '-in',
      'site.csr',
      '-CA',
      'ca.pem',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      'site.pem',
      '-days',
      '2',
      '-extfile',
      'san.ext',
    ]);
    const read = (f: string) => readFile(path.join(dir, f), 'utf8');
    certs = { ca: await read('ca.pem'), key: await read('site.key'), cert: await read('site.pem') };
    httpServer = http.createServer(handler);
    httpsServer = https.createServer({ key: certs.key, cert: certs.cert }, handler);
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r));
    httpPort = (httpServer.address() as AddressInfo).port;
    httpsPort = (httpsServer.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise((r) => httpServer.close(r));
    await new Promise((r) => httpsServer.close(r));
    await rm(dir, { recursive: true, force: true });
  });

  const iisFor = (bindings: string, extra: Partial<Parameters<typeof windowsIis>[0]> = {}) =>
    windowsIis({
      stateDir: () => Promise.reject(new Error('no lockout here')),
      runner: runnerAnswering(SCRIPTS_DIR, {}),
      exec: appcmdFor(bindings),
      env: ENV,
      requestTimeoutMs: 5_000,
      readVersion: ({ headers }) => headers.get('x-crm-version') ?? undefined,
      ...extra,
    });

  it('reaches a host header name that does not resolve on this server, with that name in Host', async () => {
    seen.length = 0;
    const iis = iisFor(`http/*:${httpPort}:crm.contoso.invalid`);
    const got = await iis.request(crm(`http://crm.contoso.invalid:${httpPort}/CRM/`, dir));
    expect(got).toEqual({ status: 200, version: '7.8.5.13100517_x64', maintenance: false });
    expect(seen).toEqual([{ host: `crm.contoso.invalid:${httpPort}`, servername: undefined, path: '/CRM/' }]);
  });

  it('https with an internal CA: SNI and Host carry the name, and the certificate is trusted by that CA', async () => {
    seen.length = 0;
    const iis = iisFor(`https/*:${httpsPort}:crm.contoso.local`, { trustedCertificates: [certs.ca] });
    const got = await iis.request(crm(`https://crm.contoso.local:${httpsPort}/`, dir));
    expect(got).toEqual({
      status: 200,
      version: '7.8.5.13100517_x64',
      maintenance: false,
      certificate: { trusted: true },
    });
    expect(seen).toEqual([
      { host: `crm.contoso.local:${httpsPort}`, servername: 'crm.contoso.local', path: '/' },
    ]);
  });

  it('https with a CA the server does not trust: the page is still read (it is this server), the verdict reported', async () => {
    const iis = iisFor(`https/*:${httpsPort}:crm.contoso.local`);
    const got = await iis.request(crm(`https://crm.contoso.local:${httpsPort}/`, dir));
    expect(got.status).toBe(200);
    expect(got.certificate).toEqual({
      trusted: false,
      problem: expect.stringMatching(/CERT|SIGNATURE|ISSUER/) as string,
    });
  });

  it('follows a redirect on the site, and stops at one to another host', async () => {
    seen.length = 0;
    const iis = iisFor(`http/*:${httpPort}:crm.contoso.invalid`);
    expect((await iis.request(crm(`http://crm.contoso.invalid:${httpPort}/old/`, dir))).status).toBe(200);
    expect(seen.map((s) => s.path)).toEqual(['/old/', '/CRM/']);
    expect((await iis.request(crm(`http://crm.contoso.invalid:${httpPort}/sso/`, dir))).status).toBe(302);
  });

  it('knows the maintenance page by our marker, or by app_offline.htm on disk with a 503, or a 404 from an ASP.NET 2.0 pool', async () => {
    const url = `http://crm.contoso.invalid:${httpPort}/`;
    const binding = `http/*:${httpPort}:crm.contoso.invalid`;
    try {
      // The marker alone says it, whatever the status.
      Object.assign(answer, { status: 503, body: maintenancePage('<h1>In aggiornamento</h1>') });
      expect((await iisFor(binding).request(crm(url, dir))).maintenance).toBe(true);
      // The vendor's own app_offline.htm in the site's folder: ASP.NET 4 answers 503 ...
      await writeFile(path.join(dir, APP_OFFLINE), '<h1>Offline</h1>');
      Object.assign(answer, { status: 503, body: '<h1>Offline</h1>' });
      expect(await iisFor(binding).request(crm(url, dir))).toEqual({ status: 503, maintenance: true });
      // ... ASP.NET 2.0 a 404: the same page, from a v2.0 pool.
      Object.assign(answer, { status: 404, body: '<h1>Offline</h1>' });
      const v2 = iisFor(binding, { exec: appcmdFor(binding, 'v2.0') });
      expect(await v2.request(crm(url, dir))).toEqual({ status: 404, maintenance: true });
      // A 404 from a v4.0 pool is a missing page, not maintenance.
      expect(await iisFor(binding).request(crm(url, dir))).toEqual({ status: 404, maintenance: false });
      await rm(path.join(dir, APP_OFFLINE));
      expect(await v2.request(crm(url, dir))).toEqual({ status: 404, maintenance: false });
    } finally {
      Object.assign(answer, { status: 200, body: '<html>CRM</html>' });
      await rm(path.join(dir, APP_OFFLINE), { force: true });
    }
  });

  it('no answer is an UpgradeError naming the address', async () => {
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const iis = iisFor(`http/*:${port}:crm.contoso.invalid`);
    const err = (await iis
      .request(crm(`http://crm.contoso.invalid:${port}/`, dir))
      .catch((e: unknown) => e)) as UpgradeError;
    expect(err.message_).toEqual({
      key: 'iis.request-failed',
      params: { url: `http://crm.contoso.invalid:${port}/` },
    });
    expect(err.detail).toMatch(/ECONNREFUSED/);
  });
});
