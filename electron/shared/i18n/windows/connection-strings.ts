/** Issue 13 (reading connection strings (configSource, encrypted)): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {};
export const connectionStringsMessages = { it, en };
