/** Issue 13 (IIS pools, workers, web services and the site request): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {};
export const iisPoolsMessages = { it, en };
