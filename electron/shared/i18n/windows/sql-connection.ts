/** Issue 14 (opening a SQL connection: named instances, encryption, the backup folder): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'sql.connection.explicit-port':
    'Connessione {{connection}}: istanza {{instance}} raggiunta sulla porta {{port}} scritta nella stringa.',
  'sql.connection.typed-sql-login':
    'Connessione {{connection}}: autenticazione di Windows in web.config, uso il login SQL che hai inserito.',
  'sql.connection.typed-ntlm':
    'Connessione {{connection}}: autenticazione di Windows in web.config, uso NTLM come {{account}}.',
  'sql.connection.browser':
    "Connessione {{connection}}: l'istanza {{instance}} è su {{server}}, un altro server: la sua porta la chiedo al servizio SQL Server Browser di quel server (UDP 1434).",
  'sql.connection.registry-unreadable':
    "Connessione {{connection}}: non riesco a leggere la porta dell'istanza {{instance}} dal registro di questo server: la chiedo al servizio SQL Server Browser.",
  'sql.connection.instance-not-here':
    "Connessione {{connection}}: il registro di questo server non conosce l'istanza {{instance}}: la chiedo al servizio SQL Server Browser.",
  'sql.connection.instance-port':
    'Connessione {{connection}}: istanza {{instance}} di questo server sulla porta TCP {{port}} ({{value}} nel registro): il servizio SQL Server Browser non serve.',
  'sql.connection.attempt.typed':
    'Connessione {{connection}}, tentativo {{attempt}}: cifrata, con il certificato del server verificato (credenziali inserite da te).',
  'sql.connection.attempt.typed-unvalidated':
    'Connessione {{connection}}, tentativo {{attempt}}: cifrata, certificato del server NON verificato (credenziali inserite da te, eccezione accettata).',
  'sql.connection.attempt.encrypt-validated':
    'Connessione {{connection}}, tentativo {{attempt}}: cifrata, con il certificato del server verificato, come fa il client del CRM ({{provider}}) con questa stringa (Encrypt attivo).',
  'sql.connection.attempt.encrypt-trusted':
    'Connessione {{connection}}, tentativo {{attempt}}: cifrata, certificato non verificato (TrustServerCertificate=True), come fa il client del CRM ({{provider}}).',
  'sql.connection.attempt.login-protected':
    'Connessione {{connection}}, tentativo {{attempt}}: cifrata, certificato non verificato. Il client del CRM ({{provider}}, Encrypt=False) cifra sempre almeno il login, e tutto quando il server lo impone.',
  'sql.connection.attempt.unencrypted':
    'Connessione {{connection}}, tentativo {{attempt}}: senza cifratura, come il client del CRM ({{provider}}, Encrypt=False) quando il server non la impone, perché il TLS del server non è utilizzabile. Il login con la password di web.config passa in chiaro: installa su SQL Server l’aggiornamento per TLS 1.2 (KB3135244).',
  'sql.connection.opened-encrypted':
    'Connessione {{connection}}: aperta al tentativo {{attempt}}, cifrata con {{protocol}}.',
  'sql.connection.opened-clear':
    'Connessione {{connection}}: aperta al tentativo {{attempt}}, senza cifratura: login e dati viaggiano in chiaro.',
  'sql.connection.attempt-failed': 'Connessione {{connection}}: tentativo {{attempt}} fallito ({{reason}}).',
  'sql.instance-tcp-disabled':
    "L'istanza {{instance}} di SQL Server di questo server (connessione {{connection}}) ha il protocollo TCP/IP disattivato: il CRM la usa in memoria condivisa, questo programma solo via TCP.",
  'sql.instance-tcp-disabled.remedy':
    'Attiva TCP/IP per {{instance}} in Gestione configurazione SQL Server, poi riavvia il servizio «SQL Server ({{instance}})» e premi Riprova. (TCP/IP è in Configurazione di rete SQL Server → Protocolli per {{instance}}.)',
  'sql.instance-port-unknown':
    "L'istanza {{instance}} di questo server (connessione {{connection}}) ha TCP/IP attivo ma il registro non dice ancora su quale porta ascolta.",
  'sql.instance-port-unknown.remedy':
    'Riavvia il servizio «SQL Server ({{instance}})» (dopo aver attivato TCP/IP serve un riavvio), poi premi Riprova.',
  'sql.instance-lookup-failed':
    "Il servizio SQL Server Browser di {{server}} non ha indicato la porta dell'istanza {{instance}} (connessione {{connection}}).",
  'sql.instance-lookup-failed.remedy':
    'Su {{server}}: avvia il servizio «SQL Server Browser», controlla che TCP/IP sia attivo per {{instance}} in Gestione configurazione SQL Server e che il firewall lasci passare UDP 1434 e la porta dell’istanza; poi premi Riprova.',
  'sql.tls-negotiation-failed':
    'La connessione cifrata con SQL Server per {{connection}} non si stabilisce ({{reason}}): di solito è SQL Server 2012 o 2014 senza il supporto di TLS 1.2, che questo programma richiede.',
  'sql.tls-negotiation-failed.remedy':
    'Installa su SQL Server l’aggiornamento per TLS 1.2 (KB3135244, incluso nei service pack recenti di SQL Server 2012 e 2014), riavvia il servizio e premi Riprova.',
  'sql.encryption-forced':
    'SQL Server per {{connection}} impone la cifratura (Force Encryption) mentre la stringa dice Encrypt=False, e la connessione cifrata non si è stabilita.',
  'sql.encryption-forced.remedy':
    'Non serve cambiare web.config: leggi nel registro il tentativo cifrato fallito. Se il motivo è la versione di TLS, installa su SQL Server l’aggiornamento per TLS 1.2 (KB3135244); poi premi Riprova.',
  'sql.encryption-not-offered':
    'SQL Server per {{connection}} non ha attivato la cifratura, che la stringa di connessione richiede: il login non è stato inviato.',
  'sql.encryption-not-offered.remedy':
    'Il client del CRM con la stessa stringa fallirebbe allo stesso modo: verifica di raggiungere il vero SQL Server (nessun dispositivo in mezzo) e che abbia un certificato, poi premi Riprova.',
  'sql.backup-folder.chosen':
    'Connessione {{connection}}: SQL Server è su questo server, le copie del database (.bak) vanno nella cartella scelta, {{path}}.',
  'sql.backup-folder.remote':
    'Connessione {{connection}}: SQL Server è su un altro server ({{server}}): la copia del database va nella cartella di backup di quell’istanza; la cartella scelta riceve solo le copie dei file.',
  'sql.backup-folder.denied':
    'SQL Server non può scrivere la copia di {{connection}} in {{path}}, la cartella SQL della tua cartella di backup: l’account del suo servizio, {{account}}, non vi è autorizzato (errore 5, accesso negato).',
  'sql.backup-folder.denied.remedy':
    'Una volta, da amministratore: icacls "{{path}}" /grant "{{account}}:(OI)(CI)M", poi premi Riprova. Autorizzalo solo su questa cartella SQL: la cartella di backup stessa deve restare solo per Administrators e SYSTEM.',
  'sql.backup-folder.made':
    'Connessione {{connection}}: ho creato {{path}} per le copie del database. SQL Server vi scrive con l’account del suo servizio, {{account}}, che va autorizzato una volta, da amministratore: icacls "{{path}}" /grant "{{account}}:(OI)(CI)M". Senza, la copia fallisce con accesso negato.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'sql.connection.explicit-port':
    'Connection {{connection}}: instance {{instance}} reached on port {{port}}, written in the string.',
  'sql.connection.typed-sql-login':
    'Connection {{connection}}: Windows authentication in web.config, using the SQL login you typed.',
  'sql.connection.typed-ntlm':
    'Connection {{connection}}: Windows authentication in web.config, using NTLM as {{account}}.',
  'sql.connection.browser':
    "Connection {{connection}}: instance {{instance}} is on {{server}}, another server: its port is asked of that server's SQL Server Browser service (UDP 1434).",
  'sql.connection.registry-unreadable':
    "Connection {{connection}}: the port of instance {{instance}} cannot be read from this server's registry: asking the SQL Server Browser service.",
  'sql.connection.instance-not-here':
    "Connection {{connection}}: this server's registry does not know instance {{instance}}: asking the SQL Server Browser service.",
  'sql.connection.instance-port':
    'Connection {{connection}}: instance {{instance}} of this server on TCP port {{port}} ({{value}} in the registry): no SQL Server Browser needed.',
  'sql.connection.attempt.typed':
    "Connection {{connection}}, attempt {{attempt}}: encrypted, the server's certificate validated (credentials you typed).",
  'sql.connection.attempt.typed-unvalidated':
    "Connection {{connection}}, attempt {{attempt}}: encrypted, the server's certificate NOT validated (credentials you typed, exception accepted).",
  'sql.connection.attempt.encrypt-validated':
    "Connection {{connection}}, attempt {{attempt}}: encrypted, the server's certificate validated, as the CRM's client ({{provider}}) does with this string (Encrypt on).",
  'sql.connection.attempt.encrypt-trusted':
    "Connection {{connection}}, attempt {{attempt}}: encrypted, certificate not validated (TrustServerCertificate=True), as the CRM's client ({{provider}}) does.",
  'sql.connection.attempt.login-protected':
    "Connection {{connection}}, attempt {{attempt}}: encrypted, certificate not validated. The CRM's client ({{provider}}, Encrypt=False) always encrypts at least the login, and everything when the server forces it.",
  'sql.connection.attempt.unencrypted':
    "Connection {{connection}}, attempt {{attempt}}: unencrypted, as the CRM's client ({{provider}}, Encrypt=False) when the server does not force encryption, because the server's TLS cannot be used. The login with web.config's password goes in clear: install the TLS 1.2 update for SQL Server (KB3135244).",
  'sql.connection.opened-encrypted':
    'Connection {{connection}}: opened at attempt {{attempt}}, encrypted with {{protocol}}.',
  'sql.connection.opened-clear':
    'Connection {{connection}}: opened at attempt {{attempt}}, unencrypted: the login and the data travel in clear.',
  'sql.connection.attempt-failed': 'Connection {{connection}}: attempt {{attempt}} failed ({{reason}}).',
  'sql.instance-tcp-disabled':
    'SQL Server instance {{instance}} on this server (connection {{connection}}) has TCP/IP disabled: the CRM uses it through shared memory, this program only through TCP.',
  'sql.instance-tcp-disabled.remedy':
    'Enable TCP/IP for {{instance}} in SQL Server Configuration Manager, then restart the service "SQL Server ({{instance}})" and press Retry. (TCP/IP is under SQL Server Network Configuration → Protocols for {{instance}}.)',
  'sql.instance-port-unknown':
    'Instance {{instance}} on this server (connection {{connection}}) has TCP/IP enabled, but the registry does not say yet which port it listens on.',
  'sql.instance-port-unknown.remedy':
    'Restart the service "SQL Server ({{instance}})" (enabling TCP/IP takes a restart), then press Retry.',
  'sql.instance-lookup-failed':
    'The SQL Server Browser service on {{server}} did not give the port of instance {{instance}} (connection {{connection}}).',
  'sql.instance-lookup-failed.remedy':
    'On {{server}}: start the "SQL Server Browser" service, check that TCP/IP is enabled for {{instance}} in SQL Server Configuration Manager and that the firewall lets UDP 1434 and the instance\'s port through; then press Retry.',
  'sql.tls-negotiation-failed':
    'The encrypted connection to SQL Server for {{connection}} cannot be set up ({{reason}}): usually SQL Server 2012 or 2014 without TLS 1.2 support, which this program needs.',
  'sql.tls-negotiation-failed.remedy':
    'Install the TLS 1.2 update for SQL Server (KB3135244, included in the recent service packs of SQL Server 2012 and 2014) on the SQL Server, restart the service and press Retry.',
  'sql.encryption-forced':
    'SQL Server for {{connection}} forces encryption (Force Encryption) while the string says Encrypt=False, and the encrypted connection could not be set up.',
  'sql.encryption-forced.remedy':
    'web.config needs no change: read the failed encrypted attempt in the log. If its reason is the TLS version, install the TLS 1.2 update for SQL Server (KB3135244); then press Retry.',
  'sql.encryption-not-offered':
    'SQL Server for {{connection}} did not turn on the encryption its connection string requires: the login was not sent.',
  'sql.encryption-not-offered.remedy':
    "The CRM's client would fail the same way with this string: check that you reach the real SQL Server (no device in between) and that it has a certificate, then press Retry.",
  'sql.backup-folder.chosen':
    'Connection {{connection}}: SQL Server runs on this server, the database backups (.bak) go to the chosen folder, {{path}}.',
  'sql.backup-folder.remote':
    "Connection {{connection}}: SQL Server is another server ({{server}}): the database backup goes to that instance's backup folder; the chosen folder gets the file backups only.",
  'sql.backup-folder.denied':
    'SQL Server cannot write the backup of {{connection}} into {{path}}, the SQL folder of your backup folder: its service account, {{account}}, is not allowed there (error 5, access denied).',
  'sql.backup-folder.denied.remedy':
    'Once, as administrator: icacls "{{path}}" /grant "{{account}}:(OI)(CI)M", then press Retry. Allow it on this SQL folder only: the backup folder itself must stay for Administrators and SYSTEM.',
  'sql.backup-folder.made':
    'Connection {{connection}}: made {{path}} for the database backups. SQL Server writes there with its service account, {{account}}, which must be allowed once, as administrator: icacls "{{path}}" /grant "{{account}}:(OI)(CI)M". Without it the backup fails with access denied.',
};
export const sqlConnectionMessages = { it, en };
