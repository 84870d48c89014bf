/** Issue 15 (the farm: several application servers on one set of databases): both languages side by side; it.ts and en.ts spread them. */
const it = {
  'step.check.farm.title': 'Server applicativi della farm (bilanciamento del carico)',
  'check.farm.instructions':
    'Procedura, passo 2: se più server applicativi servono il CRM, la procedura va ripetuta su ciascuno. Controlla l’elenco dei server e conferma; se ne manca uno, aggiungilo.',
  'check.farm.single':
    'Un solo server applicativo: {{server}}. Nessuna sessione del CRM da altri server sui database, nessun altro server nel profilo o sulla chiavetta.',
  'check.farm.confirmed': 'Farm di {{count}} server: {{servers}} (elenco confermato su {{by}}).',
  'check.farm.to-confirm':
    'Questo CRM è servito da {{count}} server: {{servers}} (con sessioni del CRM sui database: {{seen}}). Conferma che l’elenco è completo.',
  'check.farm.to-confirm.remedy':
    'Premi Conferma se l’elenco è completo. Se manca un server, aggiungilo (nella finestra «Aggiungi server», dal terminale run --farm-servers NOME1,NOME2): ogni server della farm va bloccato prima di toccare i database.',
  'farm.ledger.unreadable':
    'Una voce del registro della farm sulla chiavetta non è leggibile ({{file}}: {{problem}}): non viene usata.',
  'farm.ledger.misfiled':
    'Il file {{file}} del registro della farm parla del server {{hostname}}, non di quello del suo nome: non viene usato.',
  'farm.ledger.write-failed':
    'Il registro della farm non si può scrivere sulla chiavetta ({{kit}}): gli altri server non vedranno cosa è stato fatto qui.',
  'farm.ledger.write-failed.remedy':
    'Controlla che la chiavetta sia inserita e non protetta da scrittura; l’esecuzione su questo server continua (il giornale sul server è completo).',
  'farm.sessions-unseen':
    'Le sessioni sul database di {{connection}} non sono visibili da questo server: non si può dimostrare che gli altri server della farm non lo usino.',
  'farm.sessions-unseen.remedy':
    'Chiedi al DBA il permesso VIEW SERVER STATE per l’utente del CRM (o fornisci un utente che lo abbia), poi premi Ricontrolla.',
  'farm.unknown-host.finding':
    'Il CRM ha sessioni aperte sui database da {{servers}}, che non è nell’elenco dei server della farm.',
  'farm.unknown-host.remedy':
    'Se {{servers}} serve il CRM, aggiungilo alla farm ed esegui lì il programma fino al blocco degli utenti; altrimenti chiudi le connessioni del CRM da quel computer. Poi premi Ricontrolla.',
  'farm.not-locked-out.finding':
    'Gli utenti non sono ancora bloccati su {{servers}}: i database della farm si toccano solo con tutti i server bloccati.',
  'farm.not-locked-out.remedy':
    'Porta la chiavetta su {{servers}} ed esegui lì il programma: si fermerà da solo in attesa della farm. Poi torna qui e premi Ricontrolla.',
  'farm.sessions-from.finding': 'Il CRM di {{servers}} ha ancora sessioni aperte sui database.',
  'farm.sessions-from.remedy':
    'Su {{servers}} continua l’esecuzione del programma fino all’arresto degli application pool, poi torna qui e premi Ricontrolla.',
  'farm.skew.setup-missing.finding':
    'Su questo server il CRM è alla versione {{code}}, il database {{database}} ({{connection}}) alla {{version}}: il setup non è ancora stato eseguito qui.',
  'farm.skew.setup-missing.remedy':
    'Il server resta bloccato agli utenti: continua l’esecuzione per eseguire il setup del CRM su questo server, oppure ripristina.',
  'farm.skew.update-missing.finding':
    'Su questo server il CRM è alla versione {{code}}, il database {{database}} ({{connection}}) alla {{version}}: "Aggiorna Database" non è ancora stato fatto.',
  'farm.skew.update-missing.remedy':
    'Il server resta bloccato agli utenti finché "Aggiorna Database" non è stato fatto per {{connection}} (su questo server o, in una farm, sul server indicato nella vista della farm).',
  'farm.pools-held':
    'Gli application pool restano fermi: il codice di questo server non corrisponde ai database, e la farm non permette ancora "Aggiorna Database" da qui.',
  'farm.backup.adopted':
    'Copia del database {{database}} già fatta per la farm da {{server}} ({{path}}): non viene ripetuta, SQL Server la verifica di nuovo qui.',
  'farm.backup.already-updated.finding':
    'Il database {{database}} è già alla versione {{version}} (aggiornato da un altro server della farm) e il registro della farm non riporta la sua copia.',
  'farm.backup.already-updated.remedy':
    'Un ripristino da questo server non potrà riportare indietro {{database}}: cerca la copia fatta sul server che l’ha aggiornato, o chiedi al DBA.',
  'farm.db-update.done-before':
    'Il database {{database}} è già alla versione {{version}}: "Aggiorna Database" è stato fatto una volta per la farm, non viene ripetuto.',
  'farm.restore-waits':
    'Il database {{database}} (ora {{version}}) si ripristina una sola volta per la farm, quando tutti gli altri server sono bloccati e senza sessioni: manca {{servers}}. Esegui il ripristino su quei server, poi torna qui e premi Ripristina.',
  'farm.rollback.held':
    'Gli application pool {{pools}} restano fermi: il codice di questo server ({{code}}) non corrisponde ancora ai database. Premi di nuovo Ripristina quando i database della farm sono stati ripristinati.',
  'farm.rollback.locked':
    'Gli utenti restano bloccati su questo server: il suo codice ({{code}}) non corrisponde ancora ai database. Premi di nuovo Ripristina quando i database della farm sono stati ripristinati (la vista della farm dice dove).',
  'farm.report.written': 'Rapporto della farm scritto sulla chiavetta: {{path}}',
  'farm.status-unavailable':
    'La situazione della farm non si può leggere ora (la chiavetta o i database non rispondono): il dettaglio è nel registro.',
  'farm.status-unavailable.remedy':
    'Controlla che la chiavetta sia inserita, poi riapri la vista della farm.',
  'farm.status.no-kit':
    'La cartella {{dir}} non è un kit di aggiornamento (manca kit.json con la versione): indica con --kit la cartella della chiavetta.',
  'farm.status.no-kit.remedy': 'Esempio: crm-upgrade farm status --kit E:\\ (la lettera della chiavetta).',
  'farm.undo.no-backup-here':
    'Nessuna copia del database {{database}} presa o adottata su questo server: non tocca a questo server ripristinarlo.',
  'status.waiting-farm': 'in attesa della farm',
  'farm.run-state.none': 'non ancora eseguito',
  'farm.run-state.ready': 'pronto',
  'farm.run-state.running': 'in corso',
  'farm.run-state.paused': 'in pausa',
  'farm.run-state.waiting': 'in attesa',
  'farm.run-state.finished': 'terminato',
  'farm.run-state.rolling-back': 'ripristino in corso',
  'farm.run-state.rolled-back': 'ripristinato',
  'farm.backup.not-adopted':
    'La copia {{path}} indicata sulla chiavetta come fatta da {{server}} non viene adottata ({{reason}}): SQL Server non conferma che sia la copia della farm presa con tutti i server bloccati.',
  'check.farm.no-version.finding':
    'Il CRM è servito da {{count}} server, ma la versione del database di {{connections}} non è leggibile: senza, il programma non può sapere se "Aggiorna Database" è già stato fatto, né tenere chiuso un server con codice e database diversi.',
  'check.farm.no-version.remedy':
    'Chiedi al fornitore un profilo con sql.databaseVersionQuery (la query che legge la versione del database), poi premi Riprova. In una farm l’aggiornamento non procede senza.',
  'farm.ledger.several-installations':
    'Sulla chiavetta ci sono i registri di più installazioni ({{installations}}): questa vista le mostra insieme. Sul server, il programma legge solo quelle della sua.',
  'farm.undo.version-unknown':
    'La versione del database {{database}} non è leggibile: lo ripristina, se serve, l’annullamento di "Aggiorna Database".',
  'farm.servers-set': 'Elenco dei server della farm confermato: {{servers}}.',
  'farm.server-name-invalid':
    '«{{name}}» non è un nome di computer Windows: usa lettere, cifre, - e _, al massimo 15 caratteri (come nel Pannello di controllo › Sistema).',
  'farm.next.none':
    'Nessun server della farm ha ancora eseguito il programma con questo kit: porta la chiavetta sul primo server ed eseguilo lì.',
  'farm.next.start': 'Porta la chiavetta su {{server}} ed esegui lì il programma.',
  'farm.next.continue': 'Su {{server}}: continua l’esecuzione (è al passo {{step}}).',
  'farm.next.check-again':
    'Su {{server}}: premi Ricontrolla; l’esecuzione lì aspetta la farm, che ora potrebbe permetterle di proseguire.',
  'farm.next.done':
    'Farm completata: ogni server e ogni database sono alla versione {{version}}, utenti ammessi.',
  'farm.next.roll-back-open':
    'Su {{server}}: «Ripristina alla {{version}}». È aperto agli utenti sulla nuova versione: il ripristino lo blocca per primo.',
  'farm.next.roll-back-databases':
    'Su {{server}}: «Ripristina alla {{version}}». I database della farm si ripristinano lì, una sola volta, con tutti gli altri server bloccati.',
  'farm.next.roll-back': 'Su {{server}}: «Ripristina alla {{version}}».',
  'farm.next.rolled-back': 'Ripristino della farm completato: server e database alla versione {{version}}.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'step.check.farm.title': 'Application servers of the farm (load balancing)',
  'check.farm.instructions':
    'Procedure, step 2: when several application servers serve the CRM, the procedure is repeated on each. Check the list of servers and confirm; if one is missing, add it.',
  'check.farm.single':
    'One application server: {{server}}. No CRM sessions from other servers on the databases, no other server in the profile or on the kit.',
  'check.farm.confirmed': 'A farm of {{count}} servers: {{servers}} (list confirmed on {{by}}).',
  'check.farm.to-confirm':
    'This CRM is served by {{count}} servers: {{servers}} (with CRM sessions on the databases: {{seen}}). Confirm that the list is complete.',
  'check.farm.to-confirm.remedy':
    'Press Confirm if the list is complete. If a server is missing, add it (in the window, «Add server»; in the terminal, run --farm-servers NAME1,NAME2): every server of the farm is locked out before the databases are touched.',
  'farm.ledger.unreadable':
    'An entry of the farm ledger on the kit cannot be read ({{file}}: {{problem}}): it is not used.',
  'farm.ledger.misfiled':
    'The farm ledger file {{file}} speaks of server {{hostname}}, not of the one it is named after: it is not used.',
  'farm.ledger.write-failed':
    'The farm ledger cannot be written on the kit ({{kit}}): the other servers will not see what was done here.',
  'farm.ledger.write-failed.remedy':
    "Check that the kit is plugged in and not write-protected; the run on this server goes on (the server's journal is complete).",
  'farm.sessions-unseen':
    "The sessions on {{connection}}'s database cannot be seen from this server: it cannot be proved that the farm's other servers are not using it.",
  'farm.sessions-unseen.remedy':
    "Ask the DBA for VIEW SERVER STATE for the CRM's login (or give a login that has it), then press Check again.",
  'farm.unknown-host.finding':
    "The CRM has sessions open on the databases from {{servers}}, which is not in the farm's list of servers.",
  'farm.unknown-host.remedy':
    "If {{servers}} serves the CRM, add it to the farm and run the program there up to the users' lockout; otherwise close the CRM's connections from that computer. Then press Check again.",
  'farm.not-locked-out.finding':
    "Users are not yet locked out on {{servers}}: the farm's databases are touched only with every server locked out.",
  'farm.not-locked-out.remedy':
    'Take the kit to {{servers}} and run the program there: it stops by itself, waiting for the farm. Then come back here and press Check again.',
  'farm.sessions-from.finding': "{{servers}}'s CRM still has sessions open on the databases.",
  'farm.sessions-from.remedy':
    'On {{servers}}, continue the run until the application pools are stopped, then come back here and press Check again.',
  'farm.skew.setup-missing.finding':
    'On this server the CRM is at version {{code}}, database {{database}} ({{connection}}) at {{version}}: the setup has not been run here yet.',
  'farm.skew.setup-missing.remedy':
    "The server stays locked out to users: continue the run to run the CRM's setup on this server, or roll back.",
  'farm.skew.update-missing.finding':
    'On this server the CRM is at version {{code}}, database {{database}} ({{connection}}) at {{version}}: "Aggiorna Database" has not been done yet.',
  'farm.skew.update-missing.remedy':
    'The server stays locked out to users until "Aggiorna Database" is done for {{connection}} (on this server or, in a farm, on the server the farm view names).',
  'farm.pools-held':
    'The application pools stay stopped: the code on this server does not match the databases, and the farm does not yet allow "Aggiorna Database" from here.',
  'farm.backup.adopted':
    'Backup of database {{database}} already taken for the farm by {{server}} ({{path}}): not repeated; SQL Server verifies it again here.',
  'farm.backup.already-updated.finding':
    'Database {{database}} is already at version {{version}} (updated by another server of the farm) and the farm ledger holds no backup of it.',
  'farm.backup.already-updated.remedy':
    'A rollback from this server cannot bring {{database}} back: look for the backup on the server that updated it, or ask the DBA.',
  'farm.db-update.done-before':
    'Database {{database}} is already at version {{version}}: "Aggiorna Database" was done once for the farm and is not repeated.',
  'farm.restore-waits':
    'Database {{database}} (now {{version}}) is restored once for the farm, when every other server is locked out with no sessions: {{servers}} is not. Roll back on those servers, then come back here and press Roll back.',
  'farm.rollback.held':
    "The application pools {{pools}} stay stopped: this server's code ({{code}}) does not match the databases yet. Press Roll back again once the farm's databases are restored.",
  'farm.rollback.locked':
    "Users stay locked out on this server: its code ({{code}}) does not match the databases yet. Press Roll back again once the farm's databases are restored (the farm view says where).",
  'farm.report.written': "The farm's report written on the kit: {{path}}",
  'farm.status-unavailable':
    "The farm's situation cannot be read now (the kit or the databases do not answer): the detail is in the log.",
  'farm.status-unavailable.remedy': 'Check that the kit is plugged in, then open the farm view again.',
  'farm.status.no-kit':
    "Folder {{dir}} is not an upgrade kit (kit.json with its version is missing): give the kit's folder with --kit.",
  'farm.status.no-kit.remedy': "Example: crm-upgrade farm status --kit E:\\ (the kit's drive letter).",
  'farm.undo.no-backup-here':
    'No backup of database {{database}} was taken or adopted on this server: it is not this server’s to restore.',
  'status.waiting-farm': 'waiting for the farm',
  'farm.run-state.none': 'not run yet',
  'farm.run-state.ready': 'ready',
  'farm.run-state.running': 'running',
  'farm.run-state.paused': 'paused',
  'farm.run-state.waiting': 'waiting',
  'farm.run-state.finished': 'finished',
  'farm.run-state.rolling-back': 'rolling back',
  'farm.run-state.rolled-back': 'rolled back',
  'farm.backup.not-adopted':
    "Backup {{path}}, named on the kit as taken by {{server}}, is not adopted ({{reason}}): SQL Server does not confirm it is the farm's backup taken with every server locked out.",
  'check.farm.no-version.finding':
    'The CRM is served by {{count}} servers, but the database version of {{connections}} cannot be read: without it the program cannot tell whether "Aggiorna Database" was done, nor keep a server with mismatched code and database closed.',
  'check.farm.no-version.remedy':
    'Ask the vendor for a profile with sql.databaseVersionQuery (the query that reads the database version), then press Retry. In a farm the upgrade does not go on without it.',
  'farm.ledger.several-installations':
    'The kit holds the ledgers of several installations ({{installations}}): this view shows them together. On a server, the program reads only its own.',
  'farm.undo.version-unknown':
    'The version of database {{database}} cannot be read: the undo of "Aggiorna Database" restores it if needed.',
  'farm.servers-set': "The farm's list of servers confirmed: {{servers}}.",
  'farm.server-name-invalid':
    '«{{name}}» is not a Windows computer name: use letters, digits, - and _, at most 15 characters (as in Control Panel › System).',
  'farm.next.none':
    'No server of the farm has run the program with this kit yet: take the kit to the first server and run it there.',
  'farm.next.start': 'Take the kit to {{server}} and run the program there.',
  'farm.next.continue': 'On {{server}}: continue the run (it is at step {{step}}).',
  'farm.next.check-again':
    'On {{server}}: press Check again; the run there waits for the farm, which may now let it go on.',
  'farm.next.done': 'Farm complete: every server and every database at version {{version}}, users admitted.',
  'farm.next.roll-back-open':
    'On {{server}}: «Roll back to {{version}}». It is open to users on the new version: the rollback locks it out first.',
  'farm.next.roll-back-databases':
    "On {{server}}: «Roll back to {{version}}». The farm's databases are restored there, once, with every other server locked out.",
  'farm.next.roll-back': 'On {{server}}: «Roll back to {{version}}».',
  'farm.next.rolled-back': 'Farm rollback complete: servers and databases at version {{version}}.',
};
export const farmEngineMessages = { it, en };
