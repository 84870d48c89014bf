/** Issue 14 (the SQL Server side: restore, rights, backup folder, msdb record, database version): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'check.sql-permissions.restore.finding':
    "L'utente {{login}} della connessione {{connection}} non può ripristinare {{database}}: sovrascrivere un database esistente richiede sysadmin, dbcreator o esserne il proprietario (db_owner non basta). Senza, un ripristino non riporterebbe indietro il database.",
  'check.sql-permissions.restore.remedy':
    "Chiedi al DBA, prima dell'aggiornamento, il ruolo dbcreator (ALTER SERVER ROLE dbcreator ADD MEMBER [{{login}}]) oppure la proprietà del database (ALTER AUTHORIZATION ON DATABASE::[{{database}}] TO [{{login}}]), poi premi Riprova.",
  'check.version.database-version-unknown.finding':
    'La versione dei database di {{connections}} non si può leggere: il campo {{field}} del profilo è vuoto. Senza, un aggiornamento lasciato a metà e i server di una farm non si possono riconoscere.',
  'check.version.database-version-unknown.remedy':
    'Il produttore deve compilare {{field}} nel profilo (una SELECT che restituisce una colonna di testo, la versione scritta da «Aggiorna Database»). Fino ad allora controlla a mano la versione di ogni database prima di proseguire.',
  'sql.version-query-shape':
    'La query {{field}} del profilo restituisce {{columns}} colonne sulla connessione {{connection}}: ne serve una sola, di testo.',
  'sql.version-query-shape.remedy':
    'Il produttore deve correggere {{field}} nel profilo perché restituisca una sola colonna con la versione.',
  'sql.backup-permission-denied':
    "SQL Server non permette il backup di {{database}} all'utente della connessione {{connection}}: {{errors}}",
  'sql.backup-permission-denied.remedy':
    "Chiedi al DBA il ruolo db_backupoperator su {{database}} per l'utente del CRM, poi premi Riprova.",
  'sql.verify-permission-denied':
    "SQL Server non permette di verificare il backup {{path}} all'utente della connessione {{connection}} (serve CREATE DATABASE): {{errors}}",
  'sql.verify-permission-denied.remedy':
    "Chiedi al DBA il permesso CREATE ANY DATABASE o il ruolo dbcreator per l'utente del CRM, poi premi Riprova.",
  'sql.restore-permission-denied':
    "SQL Server non permette di ripristinare {{database}} all'utente della connessione {{connection}}: {{errors}}",
  'sql.restore-permission-denied.remedy':
    "Il database non è stato toccato. Chiedi al DBA il ruolo dbcreator o la proprietà di {{database}} per l'utente del CRM e premi Riprova, oppure fai ripristinare il backup {{path}} al DBA.",
  'sql.restore-right-missing':
    "L'utente {{login}} non può ripristinare {{database}} (non è sysadmin, né dbcreator, né il proprietario del database): il database non è stato toccato.",
  'sql.restore-right-missing.remedy':
    'Chiedi al DBA il ruolo dbcreator o la proprietà di {{database}} per {{login}} e premi Riprova, oppure fai ripristinare il backup {{path}} al DBA.',
  'sql.probe-no-right':
    "L'utente della connessione {{connection}} non ha il diritto di fare backup, quindi la cartella {{path}} non si può provare: {{errors}}",
  'sql.probe-no-right.remedy':
    "Non è un problema della cartella. Chiedi al DBA il ruolo db_backupoperator su {{database}} per l'utente del CRM, poi premi Riprova.",
  'sql.probe-file-left':
    'Il file di prova {{path}} è rimasto nella cartella dei backup: da qui non si può cancellare. Cancellalo a mano quando vuoi.',
  'sql.backup-file-unreadable':
    'SQL Server non riesce ad aprire il backup {{path}} di {{database}}: {{errors}}',
  'sql.backup-file-unreadable.remedy':
    "Controlla che il file ci sia e che l'account del servizio SQL Server possa leggerlo (per esempio NT Service\\MSSQL$SQLEXPRESS), poi premi Riprova.",
  'sql.backup-file-damaged':
    'Il backup {{path}} di {{database}} è danneggiato, SQL Server lo rifiuta: {{errors}}',
  'sql.backup-file-damaged.remedy':
    "Non usare questo file. Se ne hai un'altra copia integra rimettila al suo posto e premi Riprova; altrimenti chiama il DBA.",
  'sql.restore-in-use':
    "Il database {{database}} è ancora in uso e SQL Server non ne concede l'accesso esclusivo per il ripristino: {{errors}}",
  'sql.restore-in-use.remedy':
    'Chiudi le connessioni rimaste (SQL Server Management Studio, SQL Agent, servizi del CRM), poi premi Riprova.',
  'sql.restore-failed': 'Il ripristino di {{database}} da {{path}} non è riuscito: {{errors}}',
  'sql.restore-failed.remedy':
    'Leggi i messaggi di SQL Server qui sopra, correggi la causa e premi Riprova: il ripristino riparte dal backup.',
  'sql.restore-left-restoring':
    'Il ripristino di {{database}} da {{path}} si è interrotto e ha lasciato il database in stato RESTORING: nessuno può usarlo. SQL Server ha detto: {{errors}}',
  'sql.restore-left-restoring.remedy':
    "Correggi la causa e premi Riprova: il ripristino riparte da capo dal backup, anche su un database RESTORING. Solo se un DBA sa che il ripristino era completo, RESTORE DATABASE [{{database}}] WITH RECOVERY lo rimette in linea così com'è.",
  'sql.backup-folder-fallback':
    "SQL Server non dice a questo utente la sua cartella di backup predefinita ({{reason}}): i backup di {{database}} vanno nella cartella dei suoi dati, {{path}}. Se preferisci, scegli un'altra cartella.",
  'sql.backup-folder-unknown':
    'La cartella di backup predefinita di SQL Server per la connessione {{connection}} non si può leggere: {{errors}}',
  'sql.backup-folder-unknown.remedy':
    "Scegli una cartella di backup in cui l'account del servizio SQL Server può scrivere, oppure chiedi al DBA l'esecuzione di xp_instance_regread per l'utente del CRM.",
  'sql.free-space-unknown':
    'Lo spazio libero in {{path}} non si può leggere con i diritti di {{connection}}: servono sysadmin (xp_fixeddrives) o VIEW SERVER STATE (sys.dm_os_volume_stats). Controllalo a mano.',
  'sql.backup-record-unavailable':
    'Il backup di {{database}} in {{path}} è riuscito, ma la sua registrazione in msdb non si può leggere: la dimensione non è nota. Il backup resta valido e viene verificato.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'check.sql-permissions.restore.finding':
    'Login {{login}} of connection {{connection}} cannot restore {{database}}: restoring over an existing database needs sysadmin, dbcreator, or owning the database (db_owner is not enough). Without it, a rollback could not bring the database back.',
  'check.sql-permissions.restore.remedy':
    'Before the upgrade, ask the DBA for the dbcreator role (ALTER SERVER ROLE dbcreator ADD MEMBER [{{login}}]) or for ownership of the database (ALTER AUTHORIZATION ON DATABASE::[{{database}}] TO [{{login}}]), then press Retry.',
  'check.version.database-version-unknown.finding':
    "The version of the databases of {{connections}} cannot be read: the profile's field {{field}} is empty. Without it, neither an upgrade left half-done nor the servers of a farm can be recognised.",
  'check.version.database-version-unknown.remedy':
    'The vendor must fill in {{field}} in the profile (a SELECT returning one text column, the version "Aggiorna Database" writes). Until then, check each database\'s version by hand before going on.',
  'sql.version-query-shape':
    "The profile's query {{field}} returns {{columns}} columns on connection {{connection}}: exactly one, of text, is needed.",
  'sql.version-query-shape.remedy':
    'The vendor must correct {{field}} in the profile so that it returns a single column with the version.',
  'sql.backup-permission-denied':
    'SQL Server does not let the user of connection {{connection}} back up {{database}}: {{errors}}',
  'sql.backup-permission-denied.remedy':
    "Ask the DBA for the db_backupoperator role on {{database}} for the CRM's user, then press Retry.",
  'sql.verify-permission-denied':
    'SQL Server does not let the user of connection {{connection}} verify the backup {{path}} (CREATE DATABASE is needed): {{errors}}',
  'sql.verify-permission-denied.remedy':
    "Ask the DBA for CREATE ANY DATABASE or the dbcreator role for the CRM's user, then press Retry.",
  'sql.restore-permission-denied':
    'SQL Server does not let the user of connection {{connection}} restore {{database}}: {{errors}}',
  'sql.restore-permission-denied.remedy':
    "The database was not touched. Ask the DBA for the dbcreator role or ownership of {{database}} for the CRM's user and press Retry, or have the DBA restore the backup {{path}}.",
  'sql.restore-right-missing':
    'Login {{login}} cannot restore {{database}} (it is neither sysadmin, nor dbcreator, nor the owner of the database): the database was not touched.',
  'sql.restore-right-missing.remedy':
    'Ask the DBA for the dbcreator role or ownership of {{database}} for {{login}} and press Retry, or have the DBA restore the backup {{path}}.',
  'sql.probe-no-right':
    'The user of connection {{connection}} has no right to back up, so the folder {{path}} cannot be tried: {{errors}}',
  'sql.probe-no-right.remedy':
    "The folder is not the problem. Ask the DBA for the db_backupoperator role on {{database}} for the CRM's user, then press Retry.",
  'sql.probe-file-left':
    'The probe file {{path}} is left in the backup folder: it cannot be deleted from here. Delete it by hand whenever you like.',
  'sql.backup-file-unreadable': 'SQL Server cannot open the backup {{path}} of {{database}}: {{errors}}',
  'sql.backup-file-unreadable.remedy':
    'Check that the file is there and that the SQL Server service account (for example NT Service\\MSSQL$SQLEXPRESS) can read it, then press Retry.',
  'sql.backup-file-damaged':
    'The backup {{path}} of {{database}} is damaged, SQL Server refuses it: {{errors}}',
  'sql.backup-file-damaged.remedy':
    'Do not use this file. If you have another sound copy, put it in its place and press Retry; otherwise call the DBA.',
  'sql.restore-in-use':
    'Database {{database}} is still in use and SQL Server gives no exclusive access to restore it: {{errors}}',
  'sql.restore-in-use.remedy':
    "Close the connections left (SQL Server Management Studio, SQL Agent, the CRM's services), then press Retry.",
  'sql.restore-failed': 'Restoring {{database}} from {{path}} failed: {{errors}}',
  'sql.restore-failed.remedy':
    "Read SQL Server's messages above, fix the cause and press Retry: the restore starts over from the backup.",
  'sql.restore-left-restoring':
    'Restoring {{database}} from {{path}} stopped half-way and left the database RESTORING: nobody can use it. SQL Server said: {{errors}}',
  'sql.restore-left-restoring.remedy':
    'Fix the cause and press Retry: the restore starts over from the backup, a RESTORING database included. Only if a DBA knows the restore was complete does RESTORE DATABASE [{{database}}] WITH RECOVERY bring it online as it is.',
  'sql.backup-folder-fallback':
    'SQL Server does not tell this user its default backup folder ({{reason}}): the backups of {{database}} go to its data folder, {{path}}. Choose another folder if you prefer.',
  'sql.backup-folder-unknown':
    "SQL Server's default backup folder for connection {{connection}} cannot be read: {{errors}}",
  'sql.backup-folder-unknown.remedy':
    "Choose a backup folder the SQL Server service account can write to, or ask the DBA to let the CRM's user run xp_instance_regread.",
  'sql.free-space-unknown':
    'The free space in {{path}} cannot be read with the rights of {{connection}}: it needs sysadmin (xp_fixeddrives) or VIEW SERVER STATE (sys.dm_os_volume_stats). Check it by hand.',
  'sql.backup-record-unavailable':
    'The backup of {{database}} to {{path}} succeeded, but its record in msdb cannot be read: its size is unknown. The backup stands and is verified.',
};
export const sqlDatabasesMessages = { it, en };
