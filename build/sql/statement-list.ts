// The statements a module such as electron/host/windows/sql/statements.ts lists in ALL_STATEMENTS,
// and every export the list leaves out: a statement added to the module cannot escape the parser.

export interface ListedStatement {
  id: string;
  text: string;
}

/** Every string in a value, at any depth: an exported object or array of statements counts too. */
function stringsIn(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (typeof value !== 'object' || value === null) return [];
  return Object.values(value).flatMap(stringsIn);
}

function isListedStatement(v: unknown): v is ListedStatement {
  if (typeof v !== 'object' || v === null) return false;
  const { id, text } = v as Record<string, unknown>;
  return typeof id === 'string' && typeof text === 'string';
}

/**
 * ALL_STATEMENTS of `exports`, and one line for each export it misses: a string (or a string
 * inside an exported object) whose text is not listed, or a function with no entry `name(…)`.
 */
export function statementsOf(exports: Record<string, unknown>): {
  statements: ListedStatement[];
  missing: string[];
} {
  const list = exports.ALL_STATEMENTS;
  if (!Array.isArray(list) || !list.every(isListedStatement)) {
    return { statements: [], missing: ['ALL_STATEMENTS: not exported as a list of { id, text }'] };
  }
  const texts = new Set(list.map((s) => s.text));
  const missing: string[] = [];
  for (const [name, value] of Object.entries(exports)) {
    if (name === 'ALL_STATEMENTS') continue;
    if (typeof value === 'function') {
      if (!list.some((s) => s.id.startsWith(`${name}(`))) {
        missing.push(`${name}: a function with no entry '${name}(…)' in ALL_STATEMENTS`);
      }
      continue;
    }
    const unlisted = stringsIn(value).filter((text) => !texts.has(text));
    if (unlisted.length > 0) {
      missing.push(`${name}: not in ALL_STATEMENTS: ${unlisted[0]!.slice(0, 80).replace(/\s+/g, ' ')}`);
    }
  }
  return { statements: [...list], missing };
}
