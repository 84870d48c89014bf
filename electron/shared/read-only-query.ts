/**
 * A kit profile's SQL runs with the admin's rights, so it must be one SELECT and nothing else.
 * This is a conservative token check, not a parser: anything it cannot vouch for is refused.
 * It is the one place that decides, so that a real T-SQL parser can take its place later.
 */

type Token = { kind: 'word'; upper: string } | { kind: 'punct'; text: string };

/** Words that write, call out, control flow or change the session: never in a profile's SELECT. */
const REFUSED_WORDS = new Set([
  'INTO',
  'EXEC',
  'EXECUTE',
  'INSERT',
  'UPDATE',
  'DELETE',
  'MERGE',
  'TRUNCATE',
  'DROP',
  'ALTER',
  'CREATE',
  'GRANT',
  'REVOKE',
  'DENY',
  'BACKUP',
  'RESTORE',
  'DBCC',
  'KILL',
  'SHUTDOWN',
  'RECONFIGURE',
  'USE',
  'SET',
  'DECLARE',
  'BEGIN',
  'COMMIT',
  'ROLLBACK',
  'SAVE',
  'WAITFOR',
  'WHILE',
  'IF',
  'GOTO',
  'RETURN',
  'PRINT',
  'RAISERROR',
  'THROW',
  'OPENROWSET',
  'OPENQUERY',
  'OPENDATASOURCE',
  'BULK',
  'NEXT', // NEXT VALUE FOR: a sequence moves on, and no rollback brings it back
  // Statements with no keyword above that Microsoft's parser reads as a second statement after a
  // SELECT (build/sql/check-sql.test.ts holds the token check to it): Service Broker, text and
  // key handling, cursors, trigger switches, impersonation.
  'RECEIVE',
  'SEND',
  'CONVERSATION', // END / GET / MOVE CONVERSATION
  'DISABLE',
  'ENABLE',
  'WRITETEXT',
  'UPDATETEXT',
  'READTEXT',
  'SETUSER',
  'REVERT',
  'SIGNATURE', // ADD / DROP SIGNATURE
  'OPEN',
  'CLOSE',
  'DEALLOCATE',
  'FETCH',
  'CHECKPOINT',
  'BREAK',
  'CONTINUE',
  'LINENO',
  'DUMP',
  'LOAD',
]);

/** The end of a quoted run opened at `i` ('…', "…" or […]), doubled closers escaped; -1 if open. */
function quotedEnd(text: string, i: number, close: string): number {
  for (let j = i + 1; j < text.length; j += 1) {
    if (text[j] !== close) continue;
    if (text[j + 1] === close) j += 1;
    else return j;
  }
  return -1;
}

/** The end of a /* … *\/ comment opened at `i` (T-SQL nests them); -1 if never closed. */
function blockCommentEnd(text: string, i: number): number {
  let depth = 0;
  for (let j = i; j < text.length - 1; j += 1) {
    const pair = text.slice(j, j + 2);
    if (pair !== '/*' && pair !== '*/') continue;
    depth += pair === '/*' ? 1 : -1;
    j += 1;
    if (depth === 0) return j;
  }
  return -1;
}

/** Words and punctuation outside strings, quoted names and comments; null when one is left open. */
function tokens(text: string): Token[] | null {
  const out: Token[] = [];
  for (let i = 0; i < text.length; i += 1) {
    const ch = text[i]!;
    const rest = text.slice(i);
    if (/\s/.test(ch)) continue;
    let end = -2;
    if (rest.startsWith('--')) end = text.indexOf('\n', i) === -1 ? text.length : text.indexOf('\n', i);
    else if (rest.startsWith('/*')) end = blockCommentEnd(text, i);
    else if (ch === "'") end = quotedEnd(text, i, "'");
    else if (ch === '"') end = quotedEnd(text, i, '"');
    else if (ch === '[') end = quotedEnd(text, i, ']');
    if (end === -1) return null;
    if (end >= 0) {
      i = end;
      continue;
    }
    const word = /^[\p{L}_@#][\p{L}\p{N}_@#$]*/u.exec(rest)?.[0];
    if (word) {
      // N'…' is a Unicode string: the quote that follows is skipped as a string next round.
      if (!(word.toUpperCase() === 'N' && text[i + 1] === "'"))
        out.push({ kind: 'word', upper: word.toUpperCase() });
      i += word.length - 1;
    } else out.push({ kind: 'punct', text: ch });
  }
  return out;
}

const SET_OPERATORS = new Set(['UNION', 'EXCEPT', 'INTERSECT', 'ALL']);

/** How many SELECTs stand at the top level and do not follow UNION, EXCEPT or INTERSECT; null if unbalanced. */
function topLevelStatements(list: Token[]): number | null {
  let depth = 0;
  let count = 0;
  for (const [n, t] of list.entries()) {
    if (t.kind === 'punct') depth += t.text === '(' ? 1 : t.text === ')' ? -1 : 0;
    if (depth < 0) return null;
    const before = list[n - 1];
    const joined = before?.kind === 'word' && SET_OPERATORS.has(before.upper);
    if (t.kind === 'word' && t.upper === 'SELECT' && depth === 0 && !joined) count += 1;
  }
  return depth === 0 ? count : null;
}

/** Letters, digits, printable ASCII and ordinary line breaks: nothing SQL Server might read otherwise. */
const ODD_CHARACTER = /[^\t\r\n\x20-\x7e\p{L}\p{N}]/u;

/** Why `text` is not a single read-only SELECT, in a few words for the vendor; null when it is. */
export function readOnlyQueryProblem(text: string): string | null {
  const odd = ODD_CHARACTER.exec(text)?.[0];
  if (odd) return `the character U+${(odd.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`;
  const list = tokens(text);
  if (list === null) return 'a string, a quoted name or a comment is never closed';
  const first = list[0];
  if (first?.kind !== 'word' || (first.upper !== 'SELECT' && first.upper !== 'WITH'))
    return 'it does not begin with SELECT or WITH';
  if (list.some((t) => t.kind === 'punct' && t.text === ';')) return "';' outside a string";
  const refused = list.find((t) => t.kind === 'word' && REFUSED_WORDS.has(t.upper));
  if (refused?.kind === 'word') return `the word ${refused.upper} is not allowed`;
  const statements = topLevelStatements(list);
  if (statements === null) return 'unbalanced parentheses';
  if (statements !== 1) return 'more than one statement';
  return null;
}
