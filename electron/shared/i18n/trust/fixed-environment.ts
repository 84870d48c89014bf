/** Issue 12 (fixed-environment): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'resources.changed':
    'Il file del programma {{file}} non è quello con cui il programma è stato costruito (la sua impronta SHA-256 è diversa): non è stato usato.',
  'resources.changed.remedy':
    "Qualcuno o qualcosa ha modificato i file del programma dopo la sua costruzione. Chiudi il programma, copia di nuovo l'eseguibile firmato del fornitore su una chiavetta pulita e avvialo da lì. Se si ripete, non proseguire e contatta l'assistenza.",
  'resources.not-shipped':
    'Il file {{file}} non fa parte del programma così come è stato costruito (qualcuno lo ha aggiunto): il programma si è fermato invece di usarlo.',
  'resources.not-shipped.remedy':
    "Chiudi il programma, copia di nuovo l'eseguibile firmato del fornitore su una chiavetta pulita e avvialo da lì. Se si ripete, non proseguire e contatta l'assistenza.",
  'resources.unreadable': 'Il file del programma {{file}} non si può leggere.',
  'resources.unreadable.remedy':
    "Chiudi il programma, copia di nuovo l'eseguibile del fornitore su una chiavetta pulita e avvialo da lì.",
  'windows.system-root.kernel':
    "Cartella di Windows: {{dir}}, chiesta al sistema operativo (non alle variabili d'ambiente).",
  'windows.system-root.default':
    'Cartella di Windows: {{dir}}, la cartella standard, confermata presente (il sistema operativo non ha risposto alla domanda diretta).',
  'windows.system-root-unknown':
    "Non è stato possibile sapere dal sistema operativo dov'è la cartella di Windows (le variabili d'ambiente dicono {{claimed}}, e non si usano per questo): PowerShell e gli strumenti di IIS non sono stati avviati.",
  'windows.system-root-unknown.remedy':
    "Avvia il programma sul server stesso, da una sessione di amministratore locale (non da una condivisione di rete). Se Windows è installato fuori da C:\\Windows, comunicalo all'assistenza con il testo di questo messaggio.",
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'resources.changed':
    "The program's file {{file}} is not the one the program was built with (its SHA-256 differs): it was not used.",
  'resources.changed.remedy':
    "Someone or something changed the program's files after it was built. Close the program, copy the vendor's signed executable again onto a clean USB stick and start it from there. If it happens again, do not go on and contact support.",
  'resources.not-shipped':
    'The file {{file}} is not part of the program as it was built (someone added it): the program stopped instead of using it.',
  'resources.not-shipped.remedy':
    "Close the program, copy the vendor's signed executable again onto a clean USB stick and start it from there. If it happens again, do not go on and contact support.",
  'resources.unreadable': "The program's file {{file}} cannot be read.",
  'resources.unreadable.remedy':
    "Close the program, copy the vendor's executable again onto a clean USB stick and start it from there.",
  'windows.system-root.kernel':
    'Windows folder: {{dir}}, asked of the operating system (not of the environment variables).',
  'windows.system-root.default':
    'Windows folder: {{dir}}, the standard folder, confirmed present (the operating system did not answer the direct question).',
  'windows.system-root-unknown':
    'The operating system did not say where the Windows folder is (the environment variables say {{claimed}}, and are not used for this): PowerShell and the IIS tools were not started.',
  'windows.system-root-unknown.remedy':
    'Start the program on the server itself, from a local administrator session (not from a network share). If Windows is installed outside C:\\Windows, tell support, with the text of this message.',
};
export const fixedEnvironmentMessages = { it, en };
