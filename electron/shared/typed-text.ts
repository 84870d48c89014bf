import { type Message, msg } from './message';
import type { SqlCredentials } from './sql-credentials';
import { unsafeCharacter } from './plain-text';

export { unsafeCharacter };

export const isPlainText = (text: string): boolean => unsafeCharacter(text) === null;

export const REASON_MIN = 5;
export const REASON_MAX = 500;

/** Why a skip reason is refused, or null: the same rule for the window, the CLI and the engine. */
export function reasonProblem(reason: string): Message | null {
  const character = unsafeCharacter(reason);
  if (character) return msg('input.reason.unsafe-character', { character });
  const length = reason.trim().length;
  if (length < REASON_MIN || length > REASON_MAX)
    return msg('input.reason.length', { min: REASON_MIN, max: REASON_MAX });
  return null;
}

/** Why typed credentials are refused, or null; the message names the field, never its value. */
export function credentialsProblem(credentials: SqlCredentials): Message | null {
  const fields = [
    ['input.credentials.domain-unsafe', credentials.kind === 'ntlm' ? credentials.domain : ''],
    ['input.credentials.user-unsafe', credentials.user],
    ['input.credentials.password-unsafe', credentials.password],
  ] as const;
  for (const [key, value] of fields) {
    const character = unsafeCharacter(value);
    if (character) return msg(key, { character });
  }
  return null;
}
