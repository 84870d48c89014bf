import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import tls from 'node:tls';
import type { RequestOrigin, SiteBinding } from '../../core/ports';
import { bindingParts } from '../lockout';

/**
 * The site request, made the way IIS routes it rather than the way DNS would: the connection goes
 * to this server itself (a loopback address, or for 'outside' one of its network addresses) at the
 * binding's port, and the site's host name travels in the Host header and, for https, in SNI. A
 * host header name that does not resolve on the server, or resolves elsewhere, does not matter.
 */

export interface RequestTarget {
  protocol: 'http' | 'https';
  /** Where the connection goes: an address of this server, without brackets. */
  address: string;
  port: number;
  /** The Host header, as a browser would send it for the site's address. */
  host: string;
  /** SNI for https: the host name, never an address. */
  servername?: string;
  path: string;
}

export interface TargetFacts {
  from?: RequestOrigin | undefined;
  /** The site's bindings (before a lockout, when one is on), to find the binding's own address. */
  bindings: readonly SiteBinding[] | null;
  /** During a lockout: the loopback address the site keeps. */
  loopbackUrl?: string | undefined;
  /** One of this server's network addresses, for 'outside'. */
  outsideAddress?: string | null | undefined;
}

/** A binding's address that listens on all of this server's addresses. */
export const ANY_ADDRESS: readonly string[] = ['*', '', '0.0.0.0', '[::]'];
const LOOPBACK_ADDRESSES = ['127.0.0.1', '::1'];
const unbracket = (ip: string) => ip.replace(/^\[|\]$/g, '');
export const defaultPort = (protocol: string) => (protocol === 'https' ? 443 : 80);

function protocolOf(u: URL): 'http' | 'https' {
  const p = u.protocol.replace(/:$/, '').toLowerCase();
  if (p !== 'http' && p !== 'https') throw new Error(`not an http address: ${u.href}`);
  return p;
}

/** `name` or `name:port` as the Host header carries it; an IPv6 address in brackets. */
function hostHeader(name: string, port: number, protocol: string): string {
  const shown = net.isIPv6(name) ? `[${name}]` : name;
  return port === defaultPort(protocol) ? shown : `${shown}:${port}`;
}

/** The binding the address came from: same protocol and port, and its host header the URL's host name (or none). */
function bindingOf(u: URL, protocol: string, port: number, bindings: readonly SiteBinding[] | null) {
  const parts = (bindings ?? [])
    .filter((b) => b.protocol.toLowerCase() === protocol)
    .map((b) => bindingParts(b.bindingInformation))
    .filter((b): b is NonNullable<typeof b> => b !== null && b.port === port);
  const name = u.hostname.toLowerCase();
  return parts.find((b) => b.host.toLowerCase() === name) ?? parts.find((b) => b.host === '');
}

/** Where a request for `url` goes, and with which Host header, from where it is asked. */
export function requestTarget(url: string, facts: TargetFacts): RequestTarget {
  const u = new URL(url);
  const protocol = protocolOf(u);
  const port = Number(u.port) || defaultPort(protocol);
  const name = unbracket(u.hostname);
  const path = `${u.pathname}${u.search}`;
  const servername = net.isIP(name) === 0 ? name : undefined;
  const binding = bindingOf(u, protocol, port, facts.bindings);
  const own = binding && !ANY_ADDRESS.includes(binding.ip) ? unbracket(binding.ip) : null;
  const named = net.isIP(name) !== 0 ? name : null;
  const base = { servername, path };

  if (facts.from === 'loopback' && facts.loopbackUrl) {
    const lu = new URL(facts.loopbackUrl);
    const lp = protocolOf(lu);
    const lport = Number(lu.port) || defaultPort(lp);
    return {
      ...base,
      protocol: lp,
      address: unbracket(lu.hostname),
      port: lport,
      host: hostHeader(name, lport, lp),
    };
  }
  if (facts.from === 'outside') {
    const specific = own ?? named;
    const address =
      specific && !LOOPBACK_ADDRESSES.includes(specific) ? specific : (facts.outsideAddress ?? '127.0.0.1');
    // A `*` binding is reached at whatever address the user types: this server's.
    const host = name === 'localhost' ? hostHeader(address, port, protocol) : u.host;
    return { ...base, protocol, address, port, host };
  }
  const fallback = binding?.ip === '[::]' ? '::1' : '127.0.0.1';
  return { ...base, protocol, address: own ?? named ?? fallback, port, host: u.host };
}

export interface SiteAnswer {
  status: number;
  headers: Headers;
  body: string;
  /** https only: the certificate checked against the trusted roots (the server's store when Node can read it). */
  certificate?: { trusted: boolean; problem?: string };
  /** Where the last request went, for evidence: `https://127.0.0.1:443/ (Host: crm.local)`. */
  sentTo: string;
}

type CaSource = 'default' | 'system';
const withStore = tls as typeof tls & { getCACertificates?: (type: CaSource) => string[] };
let trustedRoots: string[] | undefined;

/**
 * Node's own roots and the operating system's (on Windows the certificate store, where an
 * internal CA is trusted), through tls.getCACertificates (Node 22.15+); Node's alone before that.
 */
export function trustedCertificates(): string[] {
  if (trustedRoots) return trustedRoots;
  const get = withStore.getCACertificates;
  if (!get) return (trustedRoots = [...tls.rootCertificates]);
  let system: string[];
  try {
    system = get('system');
  } catch {
    // A store that cannot be read leaves Node's own roots: the verdict says untrusted, the page is still read.
    system = [];
  }
  return (trustedRoots = [...new Set([...get('default'), ...system])]);
}

const MAX_BODY = 2 * 1024 * 1024;

function headersOf(res: http.IncomingMessage): Headers {
  const headers = new Headers();
  for (const [k, v] of Object.entries(res.headers)) {
    if (v === undefined) continue;
    for (const one of Array.isArray(v) ? v : [v]) headers.append(k, one);
  }
  return headers;
}

/**
 * One GET. The certificate is checked, and its verdict reported, but the page is read either way:
 * the connection never leaves this server (its own address), which is what makes that safe.
 */
function getOnce(target: RequestTarget, signal: AbortSignal, ca: string[]): Promise<SiteAnswer> {
  const sentTo = `${target.protocol}://${hostHeader(target.address, target.port, target.protocol)}${target.path} (Host: ${target.host})`;
  return new Promise((resolve, reject) => {
    const common = {
      host: target.address,
      port: target.port,
      path: target.path,
      method: 'GET',
      agent: false as const,
      signal,
      headers: { host: target.host, 'user-agent': 'CRM Upgrade Manager', accept: 'text/html,*/*' },
    };
    const onResponse = (res: http.IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        if (size >= MAX_BODY) return;
        chunks.push(chunk);
        size += chunk.length;
      });
      res.on('error', reject);
      res.on('end', () => {
        const answer: SiteAnswer = {
          status: res.statusCode ?? 0,
          headers: headersOf(res),
          body: Buffer.concat(chunks).toString('utf8'),
          sentTo,
        };
        if (target.protocol === 'https') {
          const socket = res.socket as tls.TLSSocket;
          answer.certificate = socket.authorized
            ? { trusted: true }
            : { trusted: false, problem: String(socket.authorizationError ?? 'unknown') };
        }
        resolve(answer);
      });
    };
    const req =
      target.protocol === 'https'
        ? https.request(
            {
              ...common,
              ca,
              rejectUnauthorized: false,
              ...(target.servername ? { servername: target.servername } : {}),
            },
            onResponse,
          )
        : http.request(common, onResponse);
    req.on('error', reject);
    req.end();
  });
}

/**
 * A GET of the site's address as a browser would make it, redirects followed on the same site
 * (another host, as a single sign-on page, ends the chain: its 3xx is the answer).
 */
export async function getSite(
  url: string,
  facts: TargetFacts,
  options: { timeoutMs: number; ca?: string[] },
): Promise<SiteAnswer> {
  const signal = AbortSignal.timeout(options.timeoutMs);
  const ca = options.ca ?? trustedCertificates();
  const site = new URL(url);
  let current = site;
  for (let hop = 0; ; hop++) {
    const target = requestTarget(current.href, facts);
    const answer = await getOnce(target, signal, ca);
    const location = answer.headers.get('location');
    if (answer.status < 300 || answer.status >= 400 || !location || hop >= 5) return answer;
    // Resolved against the address as the site saw it (its Host header).
    const seen = new URL(`${target.protocol}://${target.host}${target.path}`);
    const next = new URL(location, seen);
    if (next.hostname.toLowerCase() !== seen.hostname.toLowerCase()) return answer;
    next.hostname = site.hostname;
    current = next;
  }
}
