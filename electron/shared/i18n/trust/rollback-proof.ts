/** Issue 12 (rollback-proof): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'rollback-proof.link-outside':
    'La copia della cartella {{path}} contiene il collegamento {{entry}} verso {{target}}, che non resta dentro la cartella con un percorso relativo: non viene mai ripristinato, e la copia che lo contiene non viene usata. Nella cartella non è stato toccato nulla.',
  'rollback-proof.link-outside.remedy':
    'Se quel collegamento è davvero nella cartella {{path}}, sostituiscilo con un collegamento relativo che resti dentro la cartella (o toglilo) e rifai la copia (Riprova sulla copia della cartella). Se nella cartella non c’è, la copia è stata alterata: non usarla e contatta l’assistenza con il report.',
  'rollback-proof.beneath-link':
    'La copia della cartella {{path}} elenca {{entry}} dentro {{parent}}, che nella copia è un collegamento o un file: scriverlo significherebbe scrivere dove punta il collegamento. La copia non viene usata e nella cartella non è stato toccato nulla.',
  'rollback-proof.beneath-link.remedy':
    'Il programma non crea mai copie così: la copia è stata alterata. Non usarla e contatta l’assistenza con il report e il log.',
  'rollback-proof.manifest-mismatch':
    'L’elenco dei file {{file}} non descrive la copia registrata nel giornale dell’aggiornamento (campo {{field}} diverso): la copia è stata cambiata dopo essere stata fatta. Il rollback non ha toccato nulla; non usare quella copia.',
  'rollback-proof.manifest-mismatch.remedy':
    'Rimetti al suo posto un originale intatto di {{file}} e dello zip accanto (per esempio da una copia della cartella dei backup fatta durante l’aggiornamento) e premi di nuovo Rollback; altrimenti contatta l’assistenza con il report.',
  'rollback-proof.hash-mismatch':
    'Il file {{file}} non è quello verificato durante il backup: SHA-256 atteso {{expected}}, trovato {{found}}. Il rollback non ha toccato nulla: rimetti l’originale intatto di quel file e premi di nuovo Rollback, oppure contatta l’assistenza.',
  'rollback-proof.hash-mismatch.remedy':
    'Qualcuno o qualcosa ha cambiato la copia dopo la verifica. Non ripristinarla a mano. Se hai un’altra copia intatta di {{file}} (con lo SHA-256 {{expected}}), rimettila al suo posto e premi di nuovo Rollback; altrimenti contatta l’assistenza con il report e il log.',
  'rollback-proof.source-mismatch':
    'Il giornale dell’aggiornamento dice che la copia {{zip}} viene dalla cartella {{source}}, non dalla cartella {{path}} trovata da questo aggiornamento: il rollback la rifiuta e lascia {{path}} com’è.',
  'rollback-proof.source-mismatch.remedy':
    'Il giornale è stato alterato o appartiene a un altro server. Non ripristinare a mano: contatta l’assistenza con il report e il giornale.',
  'rollback-proof.zip-outside':
    'La copia {{zip}} indicata nel giornale non è nella cartella dei backup di questo aggiornamento ({{dir}}): il rollback la rifiuta e lascia {{path}} com’è.',
  'rollback-proof.zip-outside.remedy':
    'Se l’aggiornamento è partito con --backup-dir, riprendilo con la stessa --backup-dir e premi di nuovo Rollback. Altrimenti il giornale è stato alterato: contatta l’assistenza con il report.',
  'rollback-proof.copy-no-space':
    'Per controllare la copia {{zip}} prima di ripristinarla il rollback ne fa una copia privata in {{dir}}: servono {{needMb}} MB liberi, ce ne sono {{freeMb}}. Nulla è stato toccato: libera spazio su quel disco e premi di nuovo Rollback.',
  'rollback-proof.copy-no-space.remedy':
    'Libera almeno {{needMb}} MB sul disco di {{dir}} senza toccare la cartella dei backup, poi premi di nuovo Rollback.',
  'rollback-proof.copy-failed':
    'Non è stato possibile fare la copia privata di {{zip}} in {{dir}} per controllarla prima del ripristino. Nulla è stato toccato: controlla il disco e premi di nuovo Rollback.',
  'rollback-proof.copy-failed.remedy':
    'Controlla lo spazio e lo stato del disco di {{dir}} e che il programma sia avviato come amministratore, poi premi di nuovo Rollback; se non basta, contatta l’assistenza con il log.',
  'rollback-proof.folder-not-discovered':
    'Il rollback dovrebbe ripristinare {{path}}, che non è una cartella trovata da questo aggiornamento (CRM: {{crm}}; MOBILE: {{mobile}}): la rifiuta e non tocca nulla.',
  'rollback-proof.folder-not-discovered.remedy':
    'Non ripristinare a mano: contatta l’assistenza con il report e il log.',
  'rollback-proof.db-not-discovered':
    'Il rollback dovrebbe ripristinare il database {{database}} della connessione {{connection}}, che non è tra le connessioni trovate da questo aggiornamento: lo rifiuta e non tocca nessun database.',
  'rollback-proof.db-not-discovered.remedy':
    'Non ripristinare a mano: contatta l’assistenza con il report e il log.',
  'rollback-proof.db-other':
    'Il giornale dice che il backup della connessione {{connection}} è del database {{found}}, non di {{database}} trovato da questo aggiornamento: il rollback lo rifiuta e non tocca nessun database.',
  'rollback-proof.db-other.remedy':
    'Il giornale è stato alterato. Non ripristinare a mano: contatta l’assistenza con il report e il giornale.',
  'rollback-proof.bak-path':
    'Il backup {{path}} del database {{database}} indicato nel giornale non è un file .bak che questo aggiornamento può aver scritto (percorso non completo, con «..», fuori da un file .bak, sulla chiavetta o nella cartella del CRM): il rollback lo rifiuta e non tocca il database.',
  'rollback-proof.bak-path.remedy':
    'Il giornale è stato alterato. Non ripristinare a mano: contatta l’assistenza con il report e il giornale.',
  'rollback-proof.bak-no-hash':
    'Il backup {{path}} del database {{database}} è stato registrato da una versione precedente del programma, senza il suo SHA-256: il rollback non può dimostrare che sia quello verificato e non lo ripristina. Il database non è stato toccato.',
  'rollback-proof.bak-no-hash.remedy':
    'Se serve riportare indietro {{database}}, ripristinalo a mano da {{path}} con SQL Server Management Studio solo dopo aver controllato che sia il backup fatto da questo aggiornamento (data e dimensione), oppure contatta l’assistenza.',
  'rollback-proof.bak-unreadable':
    'Il backup {{file}} non si può leggere, quindi non si può controllare che sia quello verificato: il rollback non lo ripristina e il database non è stato toccato. Controlla che il file ci sia e premi di nuovo Rollback.',
  'rollback-proof.bak-unreadable.remedy':
    'Controlla che {{file}} esista e sia leggibile dagli amministratori, poi premi di nuovo Rollback; se il file non c’è più, contatta l’assistenza.',
  'rollback-proof.bak-changed':
    'Il backup {{file}} è cambiato mentre SQL Server lo ripristinava nel database {{database}}: il database potrebbe contenere altri dati rispetto al backup verificato. Non usare il CRM e contatta l’assistenza.',
  'rollback-proof.bak-changed.remedy':
    'Non riaprire il CRM agli utenti. Fai controllare il server da chi ne cura la sicurezza e ripristina {{database}} da una copia intatta del backup, con l’assistenza.',
  'rollback-proof.verify-changed':
    'Lo zip {{file}} non è quello scritto dal backup: SHA-256 atteso {{expected}}, trovato {{found}}. La copia non è affidabile.',
  'rollback-proof.verify-changed.remedy':
    'Premi Riprova sulla copia della cartella per rifarla. Se succede di nuovo, qualcuno sta cambiando la cartella dei backup: falla controllare prima di continuare.',
  'rollback-proof.bak-not-here':
    'Il backup {{path}} non si legge da questo server (è solo sul server SQL): al rollback farà fede il controllo di SQL Server.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'rollback-proof.link-outside':
    'The backup of the folder {{path}} holds the link {{entry}} to {{target}}, which does not stay inside the folder by a relative path: it is never restored, and the backup that holds it is not used. Nothing in the folder was touched.',
  'rollback-proof.link-outside.remedy':
    'If that link really is in the folder {{path}}, replace it with a relative link that stays inside the folder (or remove it) and make the backup again (Retry on the folder backup). If the folder has no such link, the backup was altered: do not use it, and contact support with the report.',
  'rollback-proof.beneath-link':
    'The backup of the folder {{path}} lists {{entry}} inside {{parent}}, which in the backup is a link or a file: writing it would write wherever the link points. The backup is not used and nothing in the folder was touched.',
  'rollback-proof.beneath-link.remedy':
    'The upgrade manager never makes such a backup: it was altered. Do not use it, and contact support with the report and the log.',
  'rollback-proof.manifest-mismatch':
    'The file list {{file}} does not describe the backup recorded in the upgrade journal (field {{field}} differs): the backup was changed after it was made. The rollback touched nothing; do not use that backup.',
  'rollback-proof.manifest-mismatch.remedy':
    'Put an intact original of {{file}} and of the zip beside it back in place (for example from a copy of the backup folder taken during the upgrade) and press Rollback again; otherwise contact support with the report.',
  'rollback-proof.hash-mismatch':
    'The file {{file}} is not the one verified during the backup: SHA-256 expected {{expected}}, found {{found}}. The rollback touched nothing: put the intact original of that file back and press Rollback again, or contact support.',
  'rollback-proof.hash-mismatch.remedy':
    'Someone or something changed the backup after it was verified. Do not restore it by hand. If you have another intact copy of {{file}} (with SHA-256 {{expected}}), put it back in place and press Rollback again; otherwise contact support with the report and the log.',
  'rollback-proof.source-mismatch':
    'The upgrade journal says the backup {{zip}} comes from the folder {{source}}, not from the folder {{path}} this upgrade found: the rollback refuses it and leaves {{path}} as it is.',
  'rollback-proof.source-mismatch.remedy':
    'The journal was altered or belongs to another server. Do not restore by hand: contact support with the report and the journal.',
  'rollback-proof.zip-outside':
    "The backup {{zip}} named in the journal is not in this upgrade's backup folder ({{dir}}): the rollback refuses it and leaves {{path}} as it is.",
  'rollback-proof.zip-outside.remedy':
    'If the upgrade was started with --backup-dir, continue it with the same --backup-dir and press Rollback again. Otherwise the journal was altered: contact support with the report.',
  'rollback-proof.copy-no-space':
    'To check the backup {{zip}} before restoring it, the rollback makes a private copy of it in {{dir}}: that needs {{needMb}} MB free, there are {{freeMb}}. Nothing was touched: free space on that disk and press Rollback again.',
  'rollback-proof.copy-no-space.remedy':
    'Free at least {{needMb}} MB on the disk of {{dir}} without touching the backup folder, then press Rollback again.',
  'rollback-proof.copy-failed':
    'The private copy of {{zip}} in {{dir}}, to check it before the restore, could not be made. Nothing was touched: check the disk and press Rollback again.',
  'rollback-proof.copy-failed.remedy':
    'Check the free space and the state of the disk of {{dir}}, and that the upgrade manager runs as administrator, then press Rollback again; if that does not help, contact support with the log.',
  'rollback-proof.folder-not-discovered':
    'The rollback was to restore {{path}}, which is not a folder this upgrade found (CRM: {{crm}}; MOBILE: {{mobile}}): it refuses it and touches nothing.',
  'rollback-proof.folder-not-discovered.remedy':
    'Do not restore by hand: contact support with the report and the log.',
  'rollback-proof.db-not-discovered':
    'The rollback was to restore the database {{database}} of the connection {{connection}}, which is not among the connections this upgrade found: it refuses it and touches no database.',
  'rollback-proof.db-not-discovered.remedy':
    'Do not restore by hand: contact support with the report and the log.',
  'rollback-proof.db-other':
    'The journal says the backup of the connection {{connection}} is of the database {{found}}, not of {{database}} which this upgrade found: the rollback refuses it and touches no database.',
  'rollback-proof.db-other.remedy':
    'The journal was altered. Do not restore by hand: contact support with the report and the journal.',
  'rollback-proof.bak-path':
    'The backup {{path}} of the database {{database}} named in the journal is not a .bak file this upgrade can have written (not a full path, with "..", not a .bak file, on the kit or in the CRM\'s folder): the rollback refuses it and does not touch the database.',
  'rollback-proof.bak-path.remedy':
    'The journal was altered. Do not restore by hand: contact support with the report and the journal.',
  'rollback-proof.bak-no-hash':
    'The backup {{path}} of the database {{database}} was recorded by an earlier version of the upgrade manager, without its SHA-256: the rollback cannot prove it is the one verified and does not restore it. The database was not touched.',
  'rollback-proof.bak-no-hash.remedy':
    'If {{database}} must go back, restore it by hand from {{path}} in SQL Server Management Studio only after checking that it is the backup this upgrade took (date and size), or contact support.',
  'rollback-proof.bak-unreadable':
    'The backup {{file}} cannot be read, so it cannot be checked to be the one verified: the rollback does not restore it and the database was not touched. Check that the file is there and press Rollback again.',
  'rollback-proof.bak-unreadable.remedy':
    'Check that {{file}} exists and that administrators can read it, then press Rollback again; if the file is gone, contact support.',
  'rollback-proof.bak-changed':
    'The backup {{file}} changed while SQL Server was restoring it into the database {{database}}: the database may hold other data than the verified backup. Do not use the CRM, and contact support.',
  'rollback-proof.bak-changed.remedy':
    "Do not open the CRM to users again. Have the server checked by whoever looks after its security, and restore {{database}} from an intact copy of the backup, with support's help.",
  'rollback-proof.verify-changed':
    'The zip {{file}} is not the one the backup wrote: SHA-256 expected {{expected}}, found {{found}}. The backup cannot be trusted.',
  'rollback-proof.verify-changed.remedy':
    'Press Retry on the folder backup to make it again. If it happens again, someone is changing the backup folder: have it checked before going on.',
  'rollback-proof.bak-not-here':
    "The backup {{path}} cannot be read from this server (it is on the SQL Server alone): at a rollback, SQL Server's own checks are the proof.",
};
export const rollbackProofMessages = { it, en };
