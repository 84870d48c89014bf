import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UpgradeError, msg } from '../../shared/message';
import { parseConnectionString } from '../../shared/connection-string';
import type { CrmConnection } from '../ports';

export { parseConnectionString };

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '',
  isArray: (name) => ['add', 'remove', 'clear'].includes(name),
  preserveOrder: true,
});

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };

function children(nodes: unknown, name: string): Node[] {
  if (!Array.isArray(nodes)) return [];
  return (nodes as Node[]).filter((n) => name in n);
}

function pick(map: Map<string, string>, ...keys: string[]): string | undefined {
  for (const k of keys) if (map.has(k)) return map.get(k);
  return undefined;
}

/** Passwords never reach a log, the journal or the report. */
export function redactConnectionString(text: string): string {
  return text.replace(/((?:^|;)\s*(?:password|pwd)\s*=\s*)("[^"]*"|'[^']*'|[^;]*)/gi, '$1***');
}

/** Entity Framework wraps the ADO.NET string: `…;provider connection string="Data Source=…"`. */
export function unwrapEntityClient(connectionString: string, providerName?: string): string {
  const map = parseConnectionString(connectionString);
  const inner = map.get('provider connection string');
  if (inner !== undefined) return inner;
  if (providerName === 'System.Data.EntityClient') return '';
  return connectionString;
}

export interface RawConnection {
  name: string;
  connectionString: string;
  providerName?: string;
}

/** Reads an encrypted <connectionStrings> section, in memory only (on Windows, through PowerShell). */
export type DecryptConnections = (webConfigPath: string) => Promise<RawConnection[]>;

function toConnection(raw: RawConnection): CrmConnection {
  const inner = unwrapEntityClient(raw.connectionString, raw.providerName);
  const cs = parseConnectionString(inner);
  // Entity Framework names the ADO.NET provider inside its own string (`provider=`).
  const provider =
    inner === raw.connectionString
      ? raw.providerName
      : parseConnectionString(raw.connectionString).get('provider');
  return {
    name: raw.name,
    server: pick(cs, 'data source', 'server', 'address', 'addr', 'network address') ?? '',
    database: pick(cs, 'initial catalog', 'database') ?? '',
    connectionString: inner,
    ...(provider ? { provider } : {}),
  };
}

function insideFolder(folder: string, rel: string): string | null {
  const full = path.resolve(folder, ...rel.split(/[\\/]/));
  return full.startsWith(path.resolve(folder) + path.sep) ? full : null;
}

async function readXml(file: string): Promise<unknown> {
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch (err) {
    throw new UpgradeError(msg('crm.web-config.missing', { path: file }), String(err));
  }
  // The parser alone accepts a truncated or garbled file: validate first, so damage is reported, not guessed around.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new UpgradeError(
      msg('crm.web-config.invalid', { path: file }),
      `${valid.err.msg} (line ${valid.err.line})`,
    );
  }
  try {
    return parser.parse(xml);
  } catch (err) {
    throw new UpgradeError(msg('crm.web-config.invalid', { path: file }), String(err));
  }
}

/**
 * The CRM's connections from web.config's <connectionStrings>, in order: <clear/> and <remove/>
 * honoured, a configSource file followed (inside the application folder only), Entity Framework
 * strings unwrapped, an encrypted section decrypted in memory when a way to do so is given.
 */
export async function readConnections(
  appFolder: string,
  webConfig = 'web.config',
  decrypt?: DecryptConnections,
): Promise<CrmConnection[]> {
  const file = path.join(appFolder, webConfig);
  const doc = await readXml(file);
  const configuration = children(doc, 'configuration')[0]?.configuration;
  let section = children(configuration, 'connectionStrings')[0];
  if (!section) return [];
  const source = section[':@']?.configSource;
  if (source) {
    const external = insideFolder(path.dirname(file), source);
    if (!external) throw new UpgradeError(msg('crm.web-config.config-source-outside', { path: source }));
    section = children(await readXml(external), 'connectionStrings')[0];
    if (!section) throw new UpgradeError(msg('crm.web-config.invalid', { path: external }));
  }
  if (section[':@']?.configProtectionProvider) {
    if (!decrypt) throw new UpgradeError(msg('crm.web-config.encrypted', { path: file }));
    return (await decrypt(file)).map(toConnection);
  }
  const list = new Map<string, CrmConnection>();
  for (const node of (section.connectionStrings as Node[] | undefined) ?? []) {
    const attrs = node[':@'] ?? {};
    if ('clear' in node) list.clear();
    else if ('remove' in node && attrs.name) list.delete(attrs.name);
    else if ('add' in node && attrs.name && attrs.connectionString) {
      list.set(
        attrs.name,
        toConnection({
          name: attrs.name,
          connectionString: attrs.connectionString,
          ...(attrs.providerName ? { providerName: attrs.providerName } : {}),
        }),
      );
    }
  }
  return [...list.values()];
}
