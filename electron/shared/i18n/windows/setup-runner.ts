/** Issue 13 (the setup runner (MSI, exit-code tables, reboots)): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {};
export const setupRunnerMessages = { it, en };
