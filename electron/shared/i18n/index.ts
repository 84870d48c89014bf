import { type Message, msg } from '../message';
import { en } from './en';
import { it } from './it';

export type Language = 'it' | 'en';
export const LANGUAGES: readonly Language[] = ['it', 'en'];
export const DEFAULT_LANGUAGE: Language = 'it';

/** The engine's messages (step titles, findings, remedies, errors), flat keys, two languages. */
export const engineCatalog = { it, en } as const;
export const ENGINE_NAMESPACE = 'engine';

/** A message's own remedy: the catalogue's `<key>.remedy`, with the same parameters, else the fallback. */
export function remedyOf(message: Message, fallback: Message = msg('engine.step-crashed.remedy')): Message {
  const own = `${message.key}.remedy`;
  return own in engineCatalog.it ? msg(own, message.params) : fallback;
}
