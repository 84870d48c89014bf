import { z } from 'zod';
import { it } from './i18n/it';

/** A key of the engine's catalogue: the compiler refuses a message that does not exist. */
export type MessageKey = keyof typeof it;
export const isMessageKey = (value: unknown): value is MessageKey =>
  typeof value === 'string' && Object.hasOwn(it, value);

/**
 * A sentence for the admin, named by its translation key. The engine never builds UI text
 * itself: the renderer, the CLI and the report all translate the same key with i18next, so
 * every message exists in Italian and English (a test holds the two catalogues equal).
 */
export const messageSchema = z.object({
  key: z.custom<MessageKey>(isMessageKey, { message: 'not a message key' }),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Message = z.infer<typeof messageSchema>;

/** The keys K for which the catalogue has both `K.finding` and `K.remedy`. */
export type FindingKey = {
  [K in MessageKey]: K extends `${infer B}.finding` ? (`${B}.remedy` extends MessageKey ? B : never) : never;
}[MessageKey];

export function msg(key: MessageKey, params?: Record<string, string | number>): Message {
  return params ? { key, params } : { key };
}

/** An error that carries its admin-facing message; `detail` keeps the technical text for logs. */
export class UpgradeError extends Error {
  constructor(
    readonly message_: Message,
    readonly detail?: string,
  ) {
    super(detail ? `${message_.key}: ${detail}` : message_.key);
    this.name = 'UpgradeError';
  }
}
