import vm from 'node:vm';

/**
 * A profile's pattern comes from the kit and runs in the elevated process, where a
 * backtracking pattern such as `^((a+)+)$` would hang the checks for minutes. No linear-time
 * engine is among the dependencies, so the pattern is bounded twice: at profile load it must
 * be short and free of the constructs that backtrack exponentially; at run time it sees a
 * bounded input and is stopped after a time limit (which also bounds polynomial patterns).
 */
export const PATTERN_MAX_LENGTH = 200;
export const PATTERN_INPUT_MAX_CHARS = 64 * 1024;
export const PATTERN_TIME_LIMIT_MS = 500;

interface GroupScan {
  quantified: boolean;
  alternation: boolean;
}

/** `{n}`, `{n,}` or `{n,m}` at `i`; a lone `{` is a literal in a pattern without the u flag. */
const braceQuantifier = (source: string, i: number) => /^\{\d+(,\d*)?\}/.exec(source.slice(i))?.[0];

/** Where a character class opened at `i` ends (the index of its `]`), escapes skipped. */
function classEnd(source: string, i: number): number {
  let j = i + 1;
  if (source[j] === '^') j += 1;
  while (j < source.length && source[j] !== ']') j += source[j] === '\\' ? 2 : 1;
  return j;
}

/**
 * Why a pattern may not run, or null. Refused: over-long patterns, backreferences,
 * lookarounds, and a repeated group that holds a quantifier or an alternation (`(a+)+`,
 * `(a|a)*`): the shapes whose backtracking grows exponentially with the input.
 */
export function patternProblem(source: string): string | null {
  if (source.length > PATTERN_MAX_LENGTH) return `longer than ${PATTERN_MAX_LENGTH} characters`;
  const stack: GroupScan[] = [{ quantified: false, alternation: false }];
  let closed: GroupScan | null = null; // the group just closed, if the last atom was one
  for (let i = 0; i < source.length; i += 1) {
    const here = stack[stack.length - 1]!;
    const ch = source[i]!;
    const quantifier = '*+?'.includes(ch) ? ch : ch === '{' ? braceQuantifier(source, i) : undefined;
    if (quantifier) {
      if (closed && quantifier !== '?' && (closed.quantified || closed.alternation))
        return 'a repeated group holds a quantifier or an alternation (nested quantifiers)';
      here.quantified = true;
      closed = null;
      i += quantifier.length - 1;
      if (source[i + 1] === '?') i += 1; // lazy
      continue;
    }
    closed = null;
    if (ch === '\\') {
      const next = source[i + 1] ?? '';
      if (/[1-9]/.test(next) || (next === 'k' && source[i + 2] === '<')) return 'backreference';
      i += 1;
    } else if (ch === '[') {
      i = classEnd(source, i);
    } else if (ch === '|') {
      here.alternation = true;
    } else if (ch === '(') {
      if (/^\(\?(=|!|<=|<!)/.test(source.slice(i))) return 'lookaround';
      stack.push({ quantified: false, alternation: false });
      // `(?:` and `(?<name>` open a group too; their `?` is no quantifier.
      i += /^\(\?(:|<[^>]*>)/.exec(source.slice(i))?.[0].length ?? 1;
      i -= 1;
    } else if (ch === ')' && stack.length > 1) {
      const group = stack.pop()!;
      const parent = stack[stack.length - 1]!;
      parent.quantified ||= group.quantified;
      parent.alternation ||= group.alternation;
      closed = group;
    }
  }
  return null;
}

// Compiled once; runs in its own context so that V8 can stop it at the time limit.
const FIRST_CAPTURE = new vm.Script(
  '(() => { const m = new RegExp(pattern, "m").exec(text); return m && typeof m[1] === "string" ? m[1] : null; })()',
);

/**
 * The pattern's first capture in the first PATTERN_INPUT_MAX_CHARS of `text`, or null when it
 * does not match or runs out of time (a pattern that slow cannot be trusted with a version).
 */
export function firstCapture(
  pattern: string,
  text: string,
  timeLimitMs: number = PATTERN_TIME_LIMIT_MS,
): string | null {
  const context = vm.createContext({ pattern, text: text.slice(0, PATTERN_INPUT_MAX_CHARS) });
  try {
    const found: unknown = FIRST_CAPTURE.runInContext(context, { timeout: timeLimitMs });
    return typeof found === 'string' ? found : null;
  } catch {
    return null;
  }
}
