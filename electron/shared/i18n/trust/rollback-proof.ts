/** Issue 12 (rollback-proof): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {};
export const rollbackProofMessages = { it, en };
