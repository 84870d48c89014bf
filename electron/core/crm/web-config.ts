import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { UpgradeError, msg } from '../../shared/message';
import type { CrmConnection } from '../ports';

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

/** ADO.NET keyword=value pairs; values may be quoted. Keys compare case-insensitively. */
export function parseConnectionString(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // As ADO.NET does, blanks and stray ';' before a key are skipped.
  const re = /[\s;]*([^=;]+?)\s*=\s*("([^"]*)"|'([^']*)'|[^;]*)\s*(;|$)/gy;
  let m: RegExpExecArray | null;
  while (re.lastIndex < text.length && (m = re.exec(text))) {
    const value = m[3] ?? m[4] ?? (m[2] ?? '').trim();
    out.set((m[1] ?? '').toLowerCase(), value);
    if (m[0] === '') break;
  }
  return out;
}

function pick(map: Map<string, string>, ...keys: string[]): string | undefined {
  for (const k of keys) if (map.has(k)) return map.get(k);
  return undefined;
}

/** The CRM's connections from web.config's <connectionStrings>, honouring <clear/> and <remove/>, in order. */
export async function readConnections(appFolder: string, webConfig = 'web.config'): Promise<CrmConnection[]> {
  const file = path.join(appFolder, webConfig);
  let xml: string;
  try {
    xml = await readFile(file, 'utf8');
  } catch (err) {
    throw new UpgradeError(msg('crm.web-config.missing', { path: file }), String(err));
  }
  // The parser alone accepts a truncated or garbled file: validate first, so damage is reported, not guessed around.
  const valid = XMLValidator.validate(xml);
  if (valid !== true) {
    throw new UpgradeError(msg('crm.web-config.invalid', { path: file }), `${valid.err.msg} (line ${valid.err.line})`);
  }
  let doc: unknown;
  try {
    doc = parser.parse(xml);
  } catch (err) {
    throw new UpgradeError(msg('crm.web-config.invalid', { path: file }), String(err));
  }
  const configuration = children(doc, 'configuration')[0]?.configuration;
  const section = children(configuration, 'connectionStrings')[0];
  if (!section) return [];
  if (section[':@']?.configProtectionProvider) {
    throw new UpgradeError(msg('crm.web-config.encrypted', { path: file }));
  }
  const list = new Map<string, CrmConnection>();
  for (const node of (section.connectionStrings as Node[] | undefined) ?? []) {
    const attrs = node[':@'] ?? {};
    if ('clear' in node) list.clear();
    else if ('remove' in node && attrs.name) list.delete(attrs.name);
    else if ('add' in node && attrs.name && attrs.connectionString) {
      const cs = parseConnectionString(attrs.connectionString);
      list.set(attrs.name, {
        name: attrs.name,
        server: pick(cs, 'data source', 'server', 'address', 'addr', 'network address') ?? '',
        database: pick(cs, 'initial catalog', 'database') ?? '',
        connectionString: attrs.connectionString,
      });
    }
  }
  return [...list.values()];
}
