/**
 * What the admin types (a skip reason, a SQL login) goes verbatim into the journal, the run log
 * and the report. A line break forges a log line; C1 controls and bidi overrides make a text
 * read differently from what it is. None of them belongs in one line of plain text.
 */
const REFUSED_RANGES: readonly (readonly [number, number])[] = [
  [0x0000, 0x001f], // C0 controls, TAB, LF and CR included
  [0x007f, 0x009f], // DEL and the C1 controls
  [0x061c, 0x061c], // Arabic letter mark
  [0x200e, 0x200f], // left-to-right and right-to-left marks
  [0x2028, 0x2029], // line and paragraph separators
  [0x202a, 0x202e], // bidi embeddings and overrides
  [0x2066, 0x2069], // bidi isolates
];

/** The first character that may not be typed, as "U+000A", or null when the text is plain. */
export function unsafeCharacter(text: string): string | null {
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (REFUSED_RANGES.some(([from, to]) => code >= from && code <= to))
      return `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return null;
}
