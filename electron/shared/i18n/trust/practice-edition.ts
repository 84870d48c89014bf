/** Issue 12 (practice-edition): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'practice-edition.refused':
    "Questa è l'edizione del programma per i server reali: non apre un server di prova (--practice). In modalità prova si fiderebbe dei kit firmati con la chiave di prova, la cui parte privata è pubblica.",
  'practice-edition.refused.remedy':
    "Su un server reale avvia il programma senza --practice. Per esercitarti usa l'edizione di prova (costruita con npm run dist:practice) oppure, da una copia del repository, npx crm-upgrade demo.",
  'practice-edition.path-outside':
    'Il server di prova indica il percorso {{path}} in {{file}}: porta fuori dalla sua cartella {{root}} (è un percorso assoluto, ha una lettera di unità o contiene ".."). Un server di prova non tocca mai cartelle reali.',
  'practice-edition.path-outside.remedy':
    'Correggi {{file}} perché indichi un percorso dentro la cartella del server di prova, scritto come C/inetpub/wwwroot/CRM, oppure creane uno nuovo con npx crm-upgrade practice init CARTELLA.',
  'practice-edition.path-link':
    'Nel server di prova, {{path}} (da {{file}}) passa per un collegamento che porta fuori dalla cartella {{root}}, a {{target}}. Un server di prova non tocca mai cartelle reali.',
  'practice-edition.path-link.remedy':
    'Togli il collegamento dalla cartella del server di prova (rm sul collegamento non tocca la cartella a cui punta) oppure creane uno nuovo con npx crm-upgrade practice init CARTELLA.',
  'practice-edition.database-name':
    'Il server di prova elenca il database {{database}} in {{file}}: il nome contiene caratteri di percorso (/, \\, :, ..) e porterebbe fuori dalla cartella del server di prova.',
  'practice-edition.database-name.remedy':
    'Correggi il nome del database in {{file}} e nella stringa di connessione del web.config (un nome semplice, come CRM_PROD), oppure crea un nuovo server di prova con npx crm-upgrade practice init CARTELLA.',
  'practice-edition.setup-packaged':
    'Il programma impacchettato non esegue i setup di prova: per farlo dovrebbe avviare sé stesso, con i diritti di amministratore, con argomenti scelti dal kit. Il setup {{program}} non è stato avviato.',
  'practice-edition.setup-packaged.remedy':
    'Prova il setup da una copia del repository, con Node: npx crm-upgrade demo, oppure npx crm-upgrade run --practice CARTELLA --kit CARTELLAKIT. Il server di prova non è stato modificato.',
  'practice-edition.setup-args':
    'Il kit chiede di avviare il setup di prova con argomenti che il server di prova non accetta: {{args}}. Sono ammessi solo --payload NOME --target CARTELLA, con la cartella dentro il server di prova {{root}}.',
  'practice-edition.setup-args.remedy':
    'Usa un kit di prova fatto con npx crm-upgrade practice kit CARTELLA: il suo setup ha esattamente quegli argomenti. Il setup non è stato avviato.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'practice-edition.refused':
    'This is the edition of the program for real servers: it does not open a practice server (--practice). In practice mode it would trust kits signed with the practice key, whose private half is public.',
  'practice-edition.refused.remedy':
    'On a real server, start the program without --practice. To rehearse, use the practice edition (built with npm run dist:practice) or, from a clone of the repository, npx crm-upgrade demo.',
  'practice-edition.path-outside':
    'The practice server names the path {{path}} in {{file}}: it leads out of its folder {{root}} (it is absolute, has a drive letter or contains ".."). A practice server never touches real folders.',
  'practice-edition.path-outside.remedy':
    'Correct {{file}} so that it names a path inside the practice server folder, written like C/inetpub/wwwroot/CRM, or make a new one with npx crm-upgrade practice init DIR.',
  'practice-edition.path-link':
    'On the practice server, {{path}} (from {{file}}) goes through a link that leads out of the folder {{root}}, to {{target}}. A practice server never touches real folders.',
  'practice-edition.path-link.remedy':
    'Remove the link from the practice server folder (rm on the link leaves the folder it points to alone) or make a new practice server with npx crm-upgrade practice init DIR.',
  'practice-edition.database-name':
    'The practice server lists the database {{database}} in {{file}}: the name holds path characters (/, \\, :, ..) and would lead out of the practice server folder.',
  'practice-edition.database-name.remedy':
    "Correct the database's name in {{file}} and in web.config's connection string (a plain name, like CRM_PROD), or make a new practice server with npx crm-upgrade practice init DIR.",
  'practice-edition.setup-packaged':
    'The packaged program does not run practice setups: to do so it would start itself, with administrator rights, with arguments chosen by the kit. The setup {{program}} was not started.',
  'practice-edition.setup-packaged.remedy':
    'Rehearse the setup from a clone of the repository, with Node: npx crm-upgrade demo, or npx crm-upgrade run --practice DIR --kit KITDIR. The practice server was not changed.',
  'practice-edition.setup-args':
    'The kit asks to start the practice setup with arguments the practice server does not accept: {{args}}. Only --payload NAME --target DIR are allowed, with the folder inside the practice server {{root}}.',
  'practice-edition.setup-args.remedy':
    'Use a practice kit made with npx crm-upgrade practice kit DIR: its setup has exactly those arguments. The setup was not started.',
};
export const practiceEditionMessages = { it, en };
