/** Issue 13 (the persistent PowerShell session (start-up, version, language mode, policy)): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {};
export const powershellSessionMessages = { it, en };
