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
