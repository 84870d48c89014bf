import { type Message, isMessageKey, msg } from '../message';
import { en } from './en';
import { it } from './it';

export type Language = 'it' | 'en';
export const LANGUAGES: readonly Language[] = ['it', 'en'];
export const DEFAULT_LANGUAGE: Language = 'it';

/** The engine's messages (step titles, findings, remedies, errors), flat keys, two languages. */
export const engineCatalog = { it, en } as const;
export const ENGINE_NAMESPACE = 'engine';

/** The one place remedy keys come from: the catalogue's `<key>.remedy`, with the same parameters. */
export function remedyOf(message: Message): Message | null {
  const own = `${message.key}.remedy`;
  return isMessageKey(own) ? msg(own, message.params) : null;
}
