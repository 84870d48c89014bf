/** Issue 12 (kit-staging): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'kit.unlisted': 'Sul kit ci sono file o cartelle che il manifesto firmato non elenca: {{paths}}.',
  'kit.unlisted.remedy':
    'Un file in più accanto a un setup può cambiare ciò che il setup esegue (un .config, una cartella .local, una DLL), qualunque sia la sua estensione. Togli dalla chiavetta {{paths}}, oppure copia di nuovo il kit originale del fornitore su una chiavetta pulita, poi premi Riprova. Sulla chiavetta possono stare solo i file del kit, la cartella reports e il programma di aggiornamento.',
  'kit-staging.staged':
    'Kit copiato nella cartella protetta del server {{dir}} e verificato lì ({{files}} file): i setup partiranno da quella copia, non dalla chiavetta.',
  'kit-staging.recopied':
    '{{count}} file della copia del kit sul server non corrispondevano più al manifesto firmato: copiati di nuovo dalla chiavetta e verificati ({{files}}).',
  'kit-staging.copy-failed':
    'Non è stato possibile copiare {{path}} dalla chiavetta nella cartella protetta del server {{dir}}.',
  'kit-staging.copy-failed.remedy':
    'Controlla che la chiavetta sia inserita, che sul disco del server ci sia spazio libero e che nessun programma tenga aperto quel file (un setup rimasto in esecuzione), poi premi Riprova.',
  'kit-staging.not-a-folder':
    'Il percorso per la copia del kit sul server, {{dir}}, non è una cartella vera (è un collegamento o un file): il programma non lo ha creato così.',
  'kit-staging.not-a-folder.remedy':
    'Qualcuno ha preparato quel percorso prima del programma: non proseguire, fai controllare il server da chi ne cura la sicurezza, rimuovi il collegamento e premi Riprova.',
  'kit-staging.note-unverified.finding':
    'Le note di rilascio {{paths}} mancano sulla chiavetta o non corrispondono al manifesto firmato: non vengono mostrate.',
  'kit-staging.note-unverified.remedy':
    'Non usare questo kit: copia di nuovo il kit originale del fornitore su una chiavetta pulita e riavvia il programma dalla chiavetta.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'kit.unlisted': 'The kit holds files or folders that the signed manifest does not list: {{paths}}.',
  'kit.unlisted.remedy':
    "An extra file beside a setup can change what the setup runs (a .config, a .local folder, a DLL), whatever its extension. Remove {{paths}} from the stick, or copy the vendor's original kit again onto a clean stick, then press Retry. Only the kit's files, the reports folder and the upgrade manager may be on the stick.",
  'kit-staging.staged':
    "The kit was copied into the server's protected folder {{dir}} and verified there ({{files}} files): the setups will run from that copy, not from the stick.",
  'kit-staging.recopied':
    "{{count}} files of the kit's copy on the server no longer matched the signed manifest: copied again from the stick and verified ({{files}}).",
  'kit-staging.copy-failed':
    "{{path}} could not be copied from the stick into the server's protected folder {{dir}}.",
  'kit-staging.copy-failed.remedy':
    "Check that the stick is plugged in, that the server's disk has free space and that no program holds that file open (a setup still running), then press Retry.",
  'kit-staging.not-a-folder':
    "The path for the kit's copy on the server, {{dir}}, is not a real folder (it is a link or a file): the upgrade manager did not make it so.",
  'kit-staging.not-a-folder.remedy':
    'Someone prepared that path before the upgrade manager: do not go on, have the server checked by whoever looks after its security, remove the link and press Retry.',
  'kit-staging.note-unverified.finding':
    'The release notes {{paths}} are missing from the stick or do not match the signed manifest: they are not shown.',
  'kit-staging.note-unverified.remedy':
    "Do not use this kit: copy the vendor's original kit again onto a clean stick and restart the upgrade manager from it.",
};
export const kitStagingMessages = { it, en };
