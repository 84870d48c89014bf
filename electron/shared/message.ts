import { z } from 'zod';

/**
 * A sentence for the admin, named by its translation key. The engine never builds UI text
 * itself: the renderer, the CLI and the report all translate the same key with i18next, so
 * every message exists in Italian and English (a test holds the two catalogues equal).
 */
export const messageSchema = z.object({
  key: z.string().min(1),
  params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});
export type Message = z.infer<typeof messageSchema>;

export function msg(key: string, params?: Record<string, string | number>): Message {
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
