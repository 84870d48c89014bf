import { kitStagingMessages } from './trust/kit-staging';
import { hostProtectionMessages } from './trust/host-protection';
import { practiceEditionMessages } from './trust/practice-edition';
import { inputBoundsMessages } from './trust/input-bounds';
import { rollbackProofMessages } from './trust/rollback-proof';
import { fixedEnvironmentMessages } from './trust/fixed-environment';
import { powershellSessionMessages } from './windows/powershell-session';
import { iisPoolsMessages } from './windows/iis-pools';
import { setupRunnerMessages } from './windows/setup-runner';
import { connectionStringsMessages } from './windows/connection-strings';
import { platformMessages } from './windows/platform';
import { sqlConnectionMessages } from './windows/sql-connection';
import { sqlDatabasesMessages } from './windows/sql-databases';
import { farmEngineMessages } from './farm/farm-engine';
import { practiceFarmMessages } from './farm/practice-farm';
/** Flat keys (i18next keySeparator: false); interpolation is {{name}}. The CRM's own labels stay verbatim. */
export const it = {
  ...kitStagingMessages.it,
  ...hostProtectionMessages.it,
  ...practiceEditionMessages.it,
  ...inputBoundsMessages.it,
  ...rollbackProofMessages.it,
  ...fixedEnvironmentMessages.it,
  ...powershellSessionMessages.it,
  ...iisPoolsMessages.it,
  ...setupRunnerMessages.it,
  ...connectionStringsMessages.it,
  ...platformMessages.it,
  ...sqlConnectionMessages.it,
  ...sqlDatabasesMessages.it,
  ...farmEngineMessages.it,
  ...practiceFarmMessages.it,
  // Phases and statuses (CLI and report)
  'phase.checks': 'Verifiche',
  'phase.backup': 'Copie di sicurezza',
  'phase.upgrade': 'Aggiornamento',
  'phase.after': "Dopo l'aggiornamento",
  'phase.report': 'Rapporto',
  'status.pending': 'da fare',
  'status.running': 'in corso',
  'status.passed': 'superato',
  'status.warning': 'avviso',
  'status.failed': 'fallito',
  'status.skipped': 'saltato',
  'status.waiting': 'in attesa di te',

  // Step titles
  'step.check.kit.title': 'Kit di aggiornamento integro e firmato',
  'step.check.elevation.title': 'Diritti di amministratore',
  'step.check.architecture.title': 'Architettura del sistema operativo',
  'step.check.installation.title': 'Installazione del CRM trovata',
  'step.check.version.title': 'Versione installata e percorso di aggiornamento',
  'step.check.licence.title': 'Contratto di assistenza (modulo «0»)',
  'step.check.users.title': 'Nessun utente collegato («Elenco Utenti Connessi»)',
  'step.check.disk.title': 'Spazio libero per le copie di sicurezza',
  'step.check.release-notes.title': 'Ho letto cosa cambia (NOTA BENE 1)',
  'step.backup.files.title': "Copia della cartella dell'applicazione (zip)",
  'step.backup.verify-files.title': 'Verifica della copia della cartella',
  'step.backup.db.title': 'Backup del database {{database}} (connessione {{connection}})',
  'step.backup.verify-db.title': 'Verifica del backup di {{database}}',
  'step.backup.stop-pool.title': 'Arresto del CRM in IIS (application pool)',
  'step.upgrade.setup.title': 'Setup di aggiornamento del CRM',
  'step.upgrade.mobile-setup.title': 'Setup della parte SERVER del MOBILE',
  'step.upgrade.start-pool.title': 'Riavvio del CRM in IIS',
  'step.upgrade.check-version.title': 'Versione installata dopo il setup',
  'step.after.db-update.title': '«Aggiorna Database» per la connessione {{connection}}',
  'step.after.add-functions.title': "«Aggiungi Tutte le funzioni» all'utente ADMIN (facoltativo)",
  'step.after.crm-answers.title': 'Il CRM risponde con la nuova versione',
  'step.report.write.title': 'Rapporto scritto sul kit',
  // issue 11: lockout
  'step.backup.lockout-on.title': 'Utenti esclusi: il CRM risponde solo da questo server',
  'step.backup.users-again.title': 'Utenti collegati, di nuovo, a utenti esclusi',
  'step.after.lockout-off.title': 'Utenti di nuovo ammessi',
  'lockout.on.done':
    'Utenti esclusi da {{sites}}: dagli altri PC il CRM mostra la pagina di manutenzione; da questo server risponde a {{url}}.',
  'lockout.not-effective.finding':
    'Il sito {{site}} risponde ancora dagli altri PC (HTTP {{status}}): gli utenti non sono esclusi.',
  'lockout.not-effective.remedy':
    'In Gestione IIS controlla i binding del sito {{site}} e dell’eventuale sito di manutenzione, poi premi Riprova; oppure ripristina.',
  'lockout.off.done':
    'Utenti di nuovo ammessi su {{sites}}: binding originali rimessi, sito di manutenzione tolto.',
  'lockout.off.skipped':
    'Utenti di nuovo ammessi, ma su {{connections}} l’aggiornamento del database è stato saltato per tua scelta: quel database resta alla versione precedente.',
  'lockout.since': 'Utenti esclusi dalle {{time}} (da {{duration}})',
  'undo.lockout.ended': 'Utenti di nuovo ammessi su {{sites}}: binding originali rimessi.',
  'undo.lockout.put-back': 'Utenti di nuovo esclusi da {{sites}}: il CRM risponde solo da questo server.',
  'practice.login.refused':
    'Server di prova: {{user}} non riesce a entrare in {{connection}} (HTTP {{status}}, utenti esclusi).',
  'practice.login.admitted': 'Server di prova: {{user}} è entrato in {{connection}}.',

  // Checks
  'check.kit.vendor-key': 'Firma del fornitore valida; tutti i file del kit corrispondono.',
  'check.kit.practice-key':
    'Kit firmato con la chiave di PROVA: accettato solo sul server di prova, mai su un server reale.',
  'check.kit.unblocked':
    '{{count}} file del kit erano marcati come scaricati da internet ({{files}}): sbloccati dopo la verifica di firma e hash.',
  'check.kit.remedy':
    'Non usare questo kit. Scarica di nuovo il kit dal fornitore su una chiavetta pulita e riavvia il programma dalla chiavetta.',
  'check.elevation.finding': 'Il programma non ha i diritti di amministratore.',
  'check.elevation.remedy':
    'Chiudi il programma e riavvialo con «Esegui come amministratore» (il setup del CRM li richiede e riavvia IIS).',
  'check.architecture.finding': 'Il kit è per {{kit}} ma il sistema operativo è {{os}}.',
  'check.architecture.remedy': "Usa il kit per {{os}} oppure esegui l'aggiornamento su un server a 64 bit.",
  'check.architecture.unknown.finding': "Non è possibile leggere l'architettura del kit.",
  'check.architecture.unknown.remedy': 'Verifica il kit: il suo nome di versione non è leggibile.',
  'check.installation.found': 'CRM trovato in {{path}}.',
  'check.installation.no-site.finding': 'IIS non ospita il sito «{{site}}» del CRM su questo server.',
  'check.installation.no-site.remedy':
    'Esegui il programma sul server applicativo (non sul server del database). Se il sito ha un altro nome, indicalo nel profilo.',
  'check.installation.no-files.finding':
    "La cartella {{path}} non contiene un'installazione del CRM (manca web.config).",
  'check.installation.no-files.remedy':
    'Controlla il percorso in «Informazioni su» → «Info Server» → [Path:] del CRM e correggilo.',
  'check.installation.no-connections.finding': 'Il web.config in {{path}} non elenca alcuna connessione.',
  'check.installation.no-connections.remedy':
    'Questo aggiornamento vale solo per un CRM già installato e funzionante (NOTA BENE 2).',
  'check.version.upgrade': 'Da {{installed}} a {{kit}}.',
  'check.version.no-kit.finding': 'La versione del kit non è nota.',
  'check.version.no-kit.remedy': 'Verifica il kit: manca o non è valido.',
  'check.version.unreadable.finding': 'Non è possibile leggere la versione installata ({{file}}).',
  'check.version.unreadable.remedy':
    "Controlla la versione in «Informazioni su» del CRM e l'integrità dell'installazione.",
  'check.version.same.finding': 'La versione {{installed}} è già installata.',
  'check.version.same.remedy':
    'Non serve aggiornare. Solo se il supporto lo chiede, puoi forzare la reinstallazione saltando questa verifica con il motivo.',
  'check.version.downgrade.finding':
    'Il kit ({{kit}}) è più vecchio della versione installata ({{installed}}).',
  'check.version.downgrade.remedy': 'Non si torna a una versione precedente: procurati il kit più recente.',
  'check.version.too-old.finding':
    'La versione installata {{installed}} è più vecchia della minima aggiornabile ({{minimum}}).',
  'check.version.too-old.remedy': 'Installa prima la versione {{minimum}}, poi questo kit.',
  'check.licence.ok': 'Moduli: {{modules}}.',
  'check.licence.finding':
    'Moduli: {{modules}}. Manca il modulo «0»: il contratto di assistenza non è attivo.',
  'check.licence.remedy':
    'Per installare un aggiornamento serve il contratto di assistenza attivo (NOTA BENE 2). Contatta il fornitore per rinnovarlo.',
  'check.licence.unreadable.finding': 'Non è possibile leggere i moduli della licenza ({{file}}).',
  'check.licence.unreadable.remedy':
    'Apri «Informazioni su» → «Informazioni di Licenza» nel CRM e verifica la voce «Moduli:».',
  'check.release-notes.instructions':
    'Leggi le novità di ogni versione tra quella installata e quella del kit, per valutare gli impatti applicativi e funzionali, poi premi Confermo.',
  'check.release-notes.read': "L'amministratore ha letto le novità.",
  'check.users.none': 'Nessun utente collegato.',
  'check.users.finding': '{{count}} utenti collegati: {{users}}.',
  'check.users.remedy':
    'Chiedi agli utenti di uscire («Amministrazione | Elenco Utenti Connessi»), poi premi Riprova. Solo se sei certo, puoi procedere comunque indicando il motivo.',
  'check.disk.files.finding': 'Servono {{needMb}} MB in {{path}}, liberi {{freeMb}} MB.',
  'check.disk.files.remedy': "Libera spazio o scegli un'altra cartella per le copie di sicurezza.",
  'check.disk.database.finding':
    'Il backup di {{connection}} richiede {{needMb}} MB, liberi {{freeMb}} MB sul server SQL.',
  'check.disk.database.remedy': 'Libera spazio nella cartella di backup di SQL Server.',
  'check.disk.inside-app.finding':
    "La cartella delle copie {{path}} è dentro la cartella dell'applicazione {{app}}.",
  'check.disk.inside-app.remedy':
    'Scegli una cartella fuori da {{app}}, su un disco locale con spazio (per esempio D:\\CrmUpgradeBackups).',
  'check.disk.on-kit.finding': 'La cartella delle copie {{path}} è sulla chiavetta del kit ({{kit}}).',
  'check.disk.on-kit.remedy':
    'Scegli una cartella su un disco locale del server: la chiavetta esce con te, e le copie servono qui per il ripristino.',
  'check.disk.no-site.finding': 'Senza installazione non si può calcolare lo spazio necessario.',
  'check.disk.no-site.remedy': "Risolvi prima la verifica dell'installazione.",

  // Backup
  'backup.files.started': 'Copia di {{source}} in {{zip}}.',
  'backup.files.done': 'Copia scritta in {{zip}}.',
  // issue 11: folders and half-finished upgrades
  'step.backup.mobile-files.title': 'Copia della cartella di MOBILE (zip)',
  'step.backup.verify-mobile-files.title': 'Verifica della copia della cartella di MOBILE',
  'backup.files.leftovers-removed':
    'Rimossi gli avanzi di una copia interrotta (zip parziale o manifest incompleto): {{files}}.',
  'backup.files.restore-other-folder':
    'La copia è stata fatta da {{source}}, non da {{path}}: il ripristino cancellerebbe in {{path}} tutto ciò che la copia non conosce.',
  'backup.files.restore-other-folder.remedy':
    'Indica con --to la cartella da cui è stata fatta la copia ({{source}}). Per ripristinarla altrove, usa una cartella vuota o nuova e aggiungi --to-other-folder.',
  'backup.files.restore-not-empty':
    'La cartella {{path}} non è vuota o contiene {{source}}: il ripristino altrove si fa solo in una cartella vuota o nuova.',
  'backup.files.restore-not-empty.remedy':
    'Scegli una cartella vuota o che non esiste ancora, oppure ripristina in {{source}}, la cartella da cui è stata fatta la copia.',
  'step.backup.folder.title': 'Copia della cartella {{name}} (zip)',
  'step.backup.verify-folder.title': 'Verifica della copia della cartella {{name}}',
  'backup.folder.no-anchor':
    'Il kit dice che la sua installazione modifica {{declared}} («{{name}}»), ma quel sito non è su questo server.',
  'backup.folder.no-anchor.remedy':
    'Chiedi al fornitore un kit adatto a questa installazione, oppure salta questa copia con un motivo se sai che la cartella qui non si usa.',
  'backup.folder.refused':
    'La cartella «{{name}}» del kit ({{declared}}) sarebbe {{path}}: la radice di un disco, una cartella che contiene il CRM, MOBILE o le copie, o una cartella al loro interno. Non viene copiata.',
  'backup.folder.refused.remedy':
    'Chiedi al fornitore di correggere il kit. Salta questa copia con un motivo solo se hai una tua copia di quella cartella.',
  'backup.folder.absent':
    "La cartella {{path}} non esiste ancora: niente da copiare. Un ripristino la toglie se un'installazione la crea.",
  'undo.folder.removed': "La cartella {{path}}, creata da un'installazione, è stata tolta.",
  'undo.folder.still-absent': 'La cartella {{path}} non esisteva prima e non esiste ora.',
  'check.version.resumed':
    'I file sono alla {{installed}}, portati da questa esecuzione (partita dalla {{startedFrom}}).',
  'check.version.db-behind.finding':
    'Aggiornamento non finito: i file sono già alla versione {{installed}}, ma serve ancora «Aggiorna Database» su {{connections}}.',
  'check.version.db-behind.remedy':
    'Il programma lo finisce: copia le cartelle e i database, non riesegue le installazioni la cui cartella è già alla {{installed}} e porta a «Aggiorna Database» su {{connections}}.',
  'check.version.mobile-behind.finding':
    'Aggiornamento non finito: il CRM è alla versione {{installed}}, MOBILE è ancora alla {{mobile}}.',
  'check.version.mobile-behind.remedy':
    "Il programma lo finisce: copia le cartelle e i database, lascia come sono i file del CRM, esegue l'installazione di MOBILE e poi porta a «Aggiorna Database».",
  'backup.files.failed': 'La copia della cartella non è riuscita.',
  'backup.files.failed.remedy': 'Leggi il registro per il dettaglio, correggi e premi Riprova.',
  'backup.files.unreadable': 'Il file {{path}} non si può leggere ({{code}}).',
  'backup.files.unreadable.remedy':
    "Di solito lo tiene aperto l'application pool del CRM o un antivirus: chiudi chi lo usa e premi Riprova. Nessun file viene saltato in silenzio.",
  'backup.files.disk-full':
    'Il disco di {{path}} si è riempito durante la copia; la copia parziale è stata rimossa.',
  'backup.files.disk-full.remedy': "Libera spazio o scegli un'altra cartella, poi premi Riprova.",
  'backup.files.inside-source': 'La copia {{zip}} non può stare dentro la cartella che copia.',
  'backup.files.inside-source.remedy': "Scegli una cartella di destinazione fuori dall'applicazione.",
  'backup.files.verify-failed': 'La copia {{zip}} non corrisponde: {{entry}} ({{problem}}).',
  'backup.files.verify-failed.remedy':
    'La copia non è affidabile: premi Riprova sulla copia della cartella per rifarla.',
  'backup.files.manifest-missing': "Manca l'elenco dei file accanto a {{zip}}.",
  'backup.files.manifest-missing.remedy': 'Rifai la copia della cartella.',
  'backup.files.manifest-invalid': "L'elenco dei file accanto a {{zip}} non è valido.",
  'backup.files.manifest-invalid.remedy': 'Rifai la copia della cartella.',
  'backup.files.restore-mismatch': "Dopo il ripristino la cartella {{path}} non è identica all'originale.",
  'backup.files.restore-mismatch.remedy':
    'Non riavviare il CRM: contatta il supporto con il rapporto e il registro.',
  'backup.files.changed': 'Il file {{path}} è cambiato (o è sparito) durante la copia.',
  'backup.files.changed.remedy':
    "Qualcuno scrive ancora nella cartella: ferma l'application pool del CRM (e chi altro la usa), poi premi Riprova.",
  'backup.files.restore-failed': 'Il ripristino di {{path}} si è fermato su {{entry}}.',
  'backup.files.restore-failed.remedy':
    'La cartella è ripristinata solo in parte: correggi la causa indicata nel registro (spazio, permessi, file in uso) e ripeti il ripristino.',
  'backup.verify.no-backup': "Non c'è una copia da verificare.",
  'backup.verify.no-backup.remedy': 'Esegui prima la copia (o saltala indicando il motivo).',
  'backup.db.done': 'Backup di {{database}} scritto in {{path}}.',
  'backup.db.failed': 'Il backup del database {{database}} non è riuscito.',
  'backup.db.failed.remedy': 'Leggi il registro per il dettaglio, correggi e premi Riprova.',

  // SQL Server
  'sql.connect-failed': 'Impossibile collegarsi a SQL Server {{server}} per la connessione {{connection}}.',
  'sql.connect-failed.remedy':
    'Verifica che il servizio SQL Server sia avviato e raggiungibile da questo server.',
  'sql.database-missing': "Il database {{database}} non esiste sull'istanza.",
  'sql.database-missing.remedy': 'Controlla la connessione nel web.config del CRM.',
  'sql.verify-failed': 'Il backup di {{database}} ({{path}}) non supera la verifica.',
  'sql.verify-failed.remedy': 'Rifai il backup del database con Riprova.',

  // Upgrade
  'upgrade.setup.started': 'Avvio di {{program}} con percorso di installazione {{path}}.',
  'upgrade.setup.already-installed':
    'Non rieseguita: {{path}} era già alla versione {{version}} alla verifica, e lo è ancora (un aggiornamento lasciato a metà).',
  'upgrade.setup.output': 'setup: {{line}}',
  'upgrade.setup.failed.finding': 'Il setup è terminato con codice {{code}}. {{output}}',
  'upgrade.setup.in-use.finding':
    'Il setup non può sostituire i file: sono in uso (codice {{code}}). {{output}}',
  'upgrade.setup.failed.remedy':
    'Il CRM resta fermo e in manutenzione. Puoi ripristinare (rollback) dalla copia verificata, oppure correggere la causa e premere Riprova.',
  'upgrade.setup.timeout.finding':
    'Il setup non ha terminato entro {{seconds}} secondi ed è stato interrotto.',
  'upgrade.mobile-setup.missing.finding':
    'Il kit non contiene il setup del MOBILE o il sito MOBILE non è stato trovato.',
  'upgrade.mobile-setup.missing.remedy': 'Procurati il kit completo del fornitore.',
  'upgrade.check-version.finding': 'Attesa la versione {{expected}}, installata {{found}}.',
  'upgrade.check-version.remedy':
    'Il setup non ha aggiornato i file: ripristina dalla copia o premi Riprova sul setup.',

  // After the upgrade
  'after.db-update.instructions.first':
    "Apri il CRM nel browser sulla prima connessione ({{connection}}) ed entra con l'utente «ADMIN». Premi «Aggiorna Database» e attendi il messaggio «Aggiornamento terminato correttamente», poi premi «Prosegui >». Quindi premi Confermo qui.",
  'after.db-update.instructions.next':
    'Nel CRM fai «Logout», entra con «ADMIN» sulla connessione {{connection}}, premi «Aggiorna Database», attendi «Aggiornamento terminato correttamente» e premi «Prosegui >». Quindi premi Confermo qui.',
  'after.db-update.waiting':
    'Il database {{database}} riporta ancora la versione {{found}}. Indirizzo del CRM: {{url}}',
  'after.db-update.not-yet': 'Il database {{database}} riporta ancora {{version}}, attesa {{expected}}.',
  'after.db-update.not-yet.remedy':
    'Entra come «ADMIN» sulla connessione {{connection}} e premi «Aggiorna Database»; attendi «Aggiornamento terminato correttamente».',
  'after.db-update.done': 'Il database {{database}} riporta la versione {{version}}.',
  'after.add-functions.instructions':
    "Facoltativo: in «Amministrazione | Gestione Utenti» apri la scheda dell'utente ADMIN e premi «Aggiungi Tutte le funzioni» per abilitare le nuove voci di menu. Ricorda di applicare il tuo modello di sicurezza alle nuove funzioni (NOTA BENE 1).",
  'after.crm-answers.finding':
    'Il CRM su {{url}} risponde {{status}} con versione «{{version}}» (attesa {{expected}}).',
  'after.crm-answers.remedy':
    "Controlla che il sito e l'application pool siano avviati in IIS, poi premi Riprova.",

  // Report
  'report.written': 'Rapporto scritto in {{path}}.',

  // Engine
  'engine.busy': "Un'operazione è già in corso: attendi che termini.",
  'engine.not-now': 'Non possibile ora (stato: {{state}}).',
  'engine.unknown-step': 'Passo sconosciuto: {{id}}.',
  'engine.retry-not-failed': 'Si può riprovare solo un passo fallito.',
  'engine.skip-not-allowed': 'Questo passo non si può saltare: cambia il server o ripristina.',
  'engine.confirm-not-waiting': 'Questo passo non attende una conferma.',
  'engine.rollback-not-available':
    "Non c'è niente da ripristinare ora: nessun passo ha ancora cambiato il server, oppure un passo è in corso.",
  'engine.skipped': 'Passo {{step}} saltato. Motivo: {{reason}}',
  'engine.step-failed': 'Passo {{step}} fallito.',
  'engine.step-crashed': 'Errore imprevisto durante il passo.',
  'engine.step-crashed.remedy':
    'Leggi il registro per il dettaglio tecnico; premi Riprova oppure ripristina.',
  'engine.unexpected': 'Errore imprevisto del motore di aggiornamento.',
  'engine.gate.closed': 'Non si può aggiornare: passi non completati ({{steps}}).',
  'engine.gate.unverified': 'Non si può aggiornare: copie non verificate ({{steps}}).',
  'engine.gate.remedy': 'Completa le verifiche e le copie, o saltale indicando il motivo.',
  'engine.interrupted.finding':
    'Il programma si è interrotto durante questo passo (arresto, crash o mancanza di corrente).',
  'engine.interrupted.remedy': 'Premi Riprova per ripeterlo, oppure ripristina dalla copia di sicurezza.',
  'engine.resume-recheck': 'Prima di tutto si ripetono le verifiche: {{steps}}.',
  'engine.resumed': "Ripresa dell'esecuzione {{runId}} dal suo giornale su questo server.",
  'engine.rollback-started':
    'Ripristino iniziato: ogni passo che ha cambiato il server viene rimesso com’era, dal più recente.',
  'engine.rollback-begun': 'Il ripristino è iniziato: si può solo portarlo a termine con «Ripristina».',
  'engine.intent-under-way': 'Un altro comando ({{intent}}) è in corso: attendi che finisca e riprova.',
  'engine.wait-not-available': 'Su questo passo non si può attendere che gli utenti escano.',
  'engine.not-waiting': 'Non si sta attendendo che gli utenti escano.',
  'engine.waiting-for-users':
    'Si sta attendendo che gli utenti escano: smetti di attendere prima di fare altro.',
  'engine.waiting-for-users.started':
    'Attendo che gli utenti escano: la verifica si ripete ogni {{seconds}} secondi.',
  'undo.crashed': 'Errore imprevisto nel rimettere com’era questo passo: {{detail}}',
  'undo.unknown-step': 'Passo sconosciuto',
  'undo.files.restored':
    'Cartella {{path}} rimessa com’era dalla copia {{zip}}; l’impronta dell’albero coincide con quella di prima.',
  'undo.files.mismatch':
    'La cartella {{path}} non è tornata identica a prima (impronta dell’albero diversa): non usare il CRM e contatta l’assistenza con il rapporto.',
  'undo.files.no-backup': 'Nessuna copia verificata della cartella {{path}}: non è stata rimessa com’era.',
  'undo.files.backup-skipped':
    'La copia della cartella {{path}} era stata saltata (motivo: {{reason}}): non è stata rimessa com’era.',
  'undo.db.restored': 'Database {{database}} ripristinato dalla copia {{path}}.',
  'undo.db.unchanged': 'Database {{database}} non cambiato (versione {{version}}): non serve ripristinarlo.',
  'undo.db.mismatch':
    'Dopo il ripristino il database {{database}} è alla versione {{version}} invece di {{expected}}.',
  'undo.db.no-backup': 'Nessuna copia verificata del database {{database}}: non si può ripristinare.',
  'undo.db.backup-skipped':
    'La copia del database {{database}} era stata saltata (motivo: {{reason}}): non è stato ripristinato.',
  'undo.pools.started': 'Pool applicativi riavviati: {{pools}}.',
  'undo.pools.stopped': 'Pool applicativi fermati: {{pools}}.',
  'undo.setup.no-site': 'Nessun sito da rimettere com’era.',
  'engine.stopped-safely':
    'Esecuzione fermata in un punto sicuro, come richiesto: lo stato è nel giornale. Per continuare o ripristinare, riavvia il programma con lo stesso kit.',
  'cli.stopping':
    'Mi fermo al termine del passo in corso (non interrompo un setup a metà). Premi di nuovo Ctrl-C per uscire subito: il passo risulterà interrotto, da riprovare o ripristinare.',
  'cli.stopped':
    'Fermato. Lo stato è salvato nel giornale su questo server (una copia sul kit): per continuare o ripristinare esegui di nuovo «crm-upgrade run» con lo stesso kit.',
  'cli.exit-now':
    'Esco subito. Il passo in corso risulterà interrotto: la prossima volta potrai riprovarlo o ripristinare.',
  'cli.unexpected':
    'Errore imprevisto: {{detail}}. Lo stato dell’aggiornamento è nel giornale su questo server (una copia sul kit); riesegui il comando o contatta l’assistenza con il rapporto.',
  'engine.rolled-back': "Ripristino completato: il CRM è tornato com'era prima dell'aggiornamento.",
  'engine.rollback-failed':
    'Il ripristino si è fermato: un passo non è stato rimesso com’era. Leggi il motivo, poi premi di nuovo «Ripristina» per continuare da lì.',
  'journal.corrupt': 'Il giornale {{file}} è danneggiato alla riga {{line}}.',
  // issue 11: journal and lock
  'journal.disk-full':
    'Il disco del server è pieno: il giornale {{file}} non si può scrivere. Il passo non è stato eseguito.',
  'journal.disk-full.remedy':
    'Libera spazio sul disco del server (non cancellare le copie di sicurezza né la cartella CrmUpgradeManager), poi premi Riprova.',
  'journal.kit-full':
    'Il kit è pieno: la copia del giornale {{file}} non si può scrivere, e il resoconto sul kit sarebbe incompleto. Il passo non è stato eseguito.',
  'journal.kit-full.remedy':
    'Libera spazio sul kit (o collega un kit con più spazio allo stesso percorso), poi premi Riprova.',
  'journal.write-failed':
    'Il giornale {{file}} non si può scrivere ({{code}}). Il passo non è stato eseguito.',
  'journal.write-failed.remedy':
    'Controlla che il disco o il kit sia collegato e scrivibile e che l’antivirus non blocchi il file, poi premi Riprova.',
  'journal.damaged':
    "Il giornale {{file}} dell'esecuzione {{runId}} (stato {{state}}) è danneggiato alla riga {{line}}: l'esecuzione non può continuare, e non se ne avvia una nuova sopra di essa. Non cancellare né modificare il file. Le copie di sicurezza registrate prima del danno: {{backups}}. Contatta l'assistenza, che può ripristinare il server da quelle copie.",
  'journal.kit-only':
    "Sul kit c'è un'esecuzione non finita ({{runId}}, giornale {{file}}) che questo server non conosce: non viene ripresa, perché solo il giornale sul server è attendibile. Se questo server era a metà di un aggiornamento, fermati e contatta l'assistenza.",
  'run.lock-unreadable':
    "Il blocco {{file}} non è leggibile (vuoto o danneggiato, per esempio da un'interruzione di corrente mentre veniva creato). Se nessun programma crm-upgrade è in esecuzione su questo server (Gestione attività), nessuna esecuzione lo tiene: cancella quel file e riavvia il programma.",
  'run.lock-unreadable.remedy':
    'Se nessun programma crm-upgrade è in esecuzione su questo server, cancella il file {{file}}, poi premi Riprova.',
  'run.lock-held':
    "Un'altra copia del programma sta eseguendo l'aggiornamento {{runId}} su questo server: processo {{pid}}, dalle {{since}}, kit {{kit}}. Questa copia non cambia nulla: usa quella, o attendi che termini.",

  // Kit
  'kit.no-manifest': "Nella cartella {{dir}} non c'è un kit (manca kit.json).",
  'kit.manifest-too-large': 'kit.json è troppo grande (oltre {{max}} byte): il kit non è valido.',
  'kit.no-signature': 'Il kit non è firmato (manca kit.sig).',
  'kit.signature-malformed': 'La firma del kit (kit.sig) non è leggibile.',
  'kit.unknown-key': 'Il kit è firmato con una chiave sconosciuta ({{keyId}}).',
  'kit.bad-signature': 'La firma del kit non corrisponde: kit.json è stato modificato dopo la firma.',
  'kit.manifest-invalid': 'kit.json non è valido (campo {{field}}).',
  'kit.file-missing': 'Manca il file del kit {{path}}.',
  'kit.file-size':
    'Il file {{path}} ha una dimensione diversa da quella firmata ({{actual}} invece di {{expected}} byte).',
  'kit.file-hash': 'Il file {{path}} è stato alterato (SHA-256 diverso).',
  'kit.symlink': 'Il kit contiene un collegamento ({{path}}): non è ammesso.',

  // CRM, IIS, profile
  'crm.web-config.missing': 'Manca {{path}}.',
  'crm.web-config.invalid': 'Il file {{path}} non è un XML valido.',
  'crm.web-config.encrypted':
    'La sezione connectionStrings di {{path}} è cifrata e qui non si può decifrare: sul server Windows viene decifrata in memoria con PowerShell.',
  'iis.pool-unknown': "L'application pool {{pool}} non esiste.",
  'iis.pool-stop-timeout': "L'application pool {{pool}} non si è fermato entro {{seconds}} secondi.",
  'profile.invalid': 'Il profilo {{source}} non è valido: campo {{field}} ({{problem}}).',
  'profile.unreadable': 'Il profilo {{source}} non si può leggere.',

  // Version names
  'version.invalid.shape': 'Il nome di versione «{{name}}» non è nella forma 7.8.5.13100517_x64.',
  'version.invalid.version': 'Nel nome «{{name}}» la versione (es. 7.8.5) non è valida.',
  'version.invalid.stamp': 'Nel nome «{{name}}» la data di compilazione AAMMGGHH non è una data e ora reali.',
  'version.invalid.arch': "Nel nome «{{name}}» l'architettura deve essere x64 o x86.",

  // Practice server
  'practice.only': 'Disponibile solo sul server di prova.',
  'practice.not-a-practice-server':
    'La cartella {{dir}} non è un server di prova (crea con: crm-upgrade practice init DIR).',
  'practice.init.not-empty':
    'La cartella {{dir}} non è vuota: scegli una cartella nuova per il server di prova.',
  'practice.setup-not-practice': 'Il server di prova esegue solo i setup di prova, non {{program}}.',
  'practice.crm-not-answering':
    'Il CRM non risponde (HTTP {{status}}): avvialo e togli la pagina di manutenzione.',
  'practice.connection-unknown': 'Connessione sconosciuta: {{connection}}.',
  'practice.logged-off': 'Server di prova: {{count}} utenti disconnessi.',
  'practice.aggiorna-database-pressed': 'Server di prova: premuto «Aggiorna Database» per {{connection}}.',

  // SQL Server (Windows host) and permission checks
  'step.check.sql-permissions.title': 'Diritti su SQL Server per la connessione {{connection}}',
  'check.sql-permissions.backup.finding':
    "L'utente della connessione {{connection}} non può fare il backup di {{database}} (serve sysadmin, db_owner o db_backupoperator).",
  'check.sql-permissions.backup.remedy':
    "Chiedi al DBA di assegnare db_backupoperator su {{database}} all'utente del CRM, oppure fai il backup con un altro sistema e salta il passo indicando il motivo.",
  'check.sql-permissions.verify.finding':
    "L'utente della connessione {{connection}} non ha il permesso CREATE DATABASE, necessario per verificare un backup (RESTORE VERIFYONLY).",
  'check.sql-permissions.verify.remedy':
    "Chiedi al DBA il permesso CREATE ANY DATABASE (o il ruolo dbcreator) per la durata dell'aggiornamento.",
  'check.sql-permissions.view-state.finding':
    'Senza VIEW SERVER STATE la connessione {{connection}} non vede le sessioni degli altri: il conteggio degli utenti collegati non è affidabile.',
  'check.sql-permissions.view-state.remedy':
    'Chiedi al DBA il permesso VIEW SERVER STATE, oppure verifica a mano con «Elenco Utenti Connessi».',
  'check.users.untrusted.finding':
    'Nessun utente nel CRM, ma le sessioni SQL di {{connections}} non si possono vedere (manca VIEW SERVER STATE).',
  'check.users.untrusted.remedy':
    'Verifica a mano che nessuno usi il database (per esempio con SQL Server Management Studio), poi prosegui.',
  'check.disk.database-unknown':
    'Lo spazio libero per il backup di {{connection}} non si può misurare (cartella di rete?): controllalo a mano.',
  'crm.web-config.config-source-outside':
    "configSource «{{path}}» punta fuori dalla cartella dell'applicazione: non viene letto.",
  'sql.connection-string-invalid': 'La stringa di connessione di {{connection}} non è valida.',
  'sql.connection-string-invalid.remedy': 'Correggi la connessione nel web.config del CRM.',
  'sql.credentials-needed':
    "La connessione {{connection}} usa l'autenticazione di Windows: servono le credenziali di un login SQL o di un utente di dominio (NTLM).",
  'sql.credentials-needed.remedy':
    'Inserisci un login SQL oppure dominio, utente e password: restano solo in memoria, mai nel giornale o nel rapporto.',
  'sql.database-name-invalid': 'Il nome di database «{{database}}» non è valido.',
  'sql.database-name-invalid.remedy': 'Controlla Initial Catalog nella connessione del web.config.',
  'sql.login-failed': 'Accesso a SQL Server negato per la connessione {{connection}}: {{detail}}',
  'sql.login-failed.remedy':
    'Controlla utente e password della connessione (o le credenziali inserite) e che il login sia abilitato.',
  'sql.backup-access-denied': 'SQL Server non può scrivere in {{path}} (errore 5, accesso negato).',
  'sql.backup-access-denied.remedy':
    "I diritti sulla cartella servono all'account del servizio SQL Server (per esempio NT Service\\MSSQL$SQLEXPRESS), non a te: concedigli la scrittura o scegli la cartella di backup predefinita dell'istanza.",
  'sql.error': 'SQL Server ha risposto con errore {{number}}: {{detail}}',
  'sql.error.remedy': 'Leggi il dettaglio nel registro; correggi e premi Riprova.',
  'sql.backup-stalled':
    'Il backup di {{database}} non dà notizie da {{minutes}} minuti: non viene interrotto, controlla il server SQL.',
  'sql.restore-state':
    'Dopo il ripristino il database {{database}} è {{state}} / {{access}} invece di ONLINE / MULTI_USER.',
  'sql.restore-state.remedy':
    'Controlla il database con SQL Server Management Studio prima di riavviare il CRM.',
  'sql.probe-failed': 'SQL Server non riesce a scrivere nella cartella scelta {{path}}.',
  'sql.probe-failed.remedy':
    "Concedi la scrittura all'account del servizio SQL Server o scegli un'altra cartella.",

  // Server checks
  'step.check.iis.title': 'IIS installato e attivo (server applicativo)',
  'check.iis.ok': 'IIS {{version}} attivo.',
  'check.iis.missing.finding':
    'IIS non è installato su questo server: sembra il server del database, non quello applicativo.',
  'check.iis.missing.remedy':
    'Esegui il programma sul server applicativo che ospita il CRM (procedura, punto 2).',
  'check.iis.stopped.finding': 'Il servizio Web (W3SVC) di IIS è fermo.',
  'check.iis.stopped.remedy': 'Avvia il servizio «Servizio Pubblicazione sul Web» (W3SVC) e premi Riprova.',
  'step.check.reboot.title': 'Nessun riavvio del server in sospeso',
  'check.reboot.finding': 'Windows attende un riavvio ({{reasons}}).',
  'check.reboot.remedy':
    'Un setup può fallire con un riavvio in sospeso: se possibile riavvia il server prima di aggiornare.',
  'step.check.mobile.title': 'Parte SERVER del MOBILE',
  'check.mobile.absent': 'Il MOBILE non è installato: il suo setup resta fuori dal piano.',
  'check.mobile.present': 'MOBILE installato in {{path}}: il suo setup è nel piano.',
  'check.mobile.no-setup.finding': 'Il MOBILE è installato in {{path}} ma il kit non ne contiene il setup.',
  'check.mobile.no-setup.remedy':
    'Procurati il kit completo del fornitore, oppure aggiorna il MOBILE a parte.',
  'step.check.exclusive.title': 'Nessun altro aggiornamento in corso su questo server',
  'check.exclusive.finding':
    'Un altro aggiornamento ({{runId}}, processo {{pid}}) è in corso su questo server dal {{since}}.',
  'check.exclusive.remedy': "Chiudi l'altra istanza del programma e attendi che termini, poi premi Riprova.",
  'sql.connection-note': 'Connessione {{connection}}: {{note}}.',
  'check.licence.admin': "Il profilo non dice dove leggere la licenza: la legge l'amministratore nel CRM.",
  'check.licence.admin.instructions':
    "Nel CRM apri «Informazioni su» → «Informazioni di Licenza» e verifica che la voce «Moduli:» contenga il modulo «0» (contratto di assistenza attivo). Se c'è, premi Confermo.",
  'check.licence.admin.confirmed': "L'amministratore ha verificato il modulo «0» in «Informazioni su».",
  'practice.query-unsupported':
    'Il server di prova non esegue query SQL: il suo profilo legge versione e licenza da file.',
  'sql.connection-lost':
    "Il server SQL ha chiuso la connessione {{connection}} durante l'operazione: il backup non è stato registrato.",
  'sql.connection-lost.remedy':
    'Controlla il servizio SQL Server e la rete, poi premi Riprova: la copia si rifà da capo.',
  'sql.credentials-not-needed': 'Su questo server le connessioni non chiedono credenziali.',
  'sql.credentials-received': 'Credenziali ricevute per {{connection}} ({{user}}): tenute solo in memoria.',

  // Windows host: PowerShell, appcmd, iisreset, setups
  'windows.not-windows': 'Questo non è un server Windows ({{platform}}).',
  'windows.not-windows.remedy':
    'Avvia il programma sul server applicativo Windows, oppure esercitati con il server di prova.',
  'windows.arch-unknown': 'Windows non indica la propria architettura (PROCESSOR_ARCHITECTURE = {{arch}}).',
  'windows.powershell.started': 'PowerShell avviato.',
  'windows.powershell.restarted': 'PowerShell riavviato dopo un errore o un tempo scaduto.',
  'windows.powershell.warning': 'Avviso di PowerShell ({{script}}).',
  'windows.powershell.unavailable': 'Windows PowerShell non si avvia.',
  'windows.powershell.unavailable.remedy':
    'Controlla che Windows PowerShell 5.1 sia presente e che nessun criterio di gruppo ne blocchi gli script; il dettaglio è nel registro.',
  'windows.powershell.timeout': 'Lo script {{script}} non ha risposto entro {{seconds}} secondi.',
  'windows.powershell.timeout.remedy':
    'Il server può essere sovraccarico: attendi qualche minuto e premi Riprova.',
  'windows.powershell.ended': 'PowerShell si è chiuso durante lo script {{script}}.',
  'windows.powershell.ended.remedy':
    'Premi Riprova: PowerShell viene riavviato. Se succede ancora, leggi il dettaglio nel registro.',
  'windows.powershell.script-failed': 'Lo script {{script}} non è riuscito: {{error}}',
  'windows.powershell.script-failed.remedy':
    'Leggi il dettaglio nel registro, correggi la causa e premi Riprova.',
  'windows.powershell.bad-output': 'Lo script {{script}} ha risposto in modo inatteso.',
  'windows.powershell.bad-output.remedy':
    'Il dettaglio è nel registro: mandalo al fornitore insieme al rapporto.',
  'windows.powershell.script-missing': 'Manca lo script {{script}} in {{dir}}.',
  'windows.powershell.script-missing.remedy':
    'Il programma è incompleto: copia di nuovo il kit del fornitore.',
  'windows.setup-start-failed': 'Il setup {{program}} non si avvia.',
  'windows.setup-start-failed.remedy':
    "Controlla che il file esista, che l'antivirus non lo blocchi e che il programma sia avviato come amministratore.",
  'iis.command-failed': 'Il comando di IIS «{{command}}» non è riuscito.',
  'iis.command-failed.remedy':
    'Controlla che IIS sia installato e che il programma sia avviato come amministratore; il dettaglio è nel registro.',
  'iis.command-warning': 'Avviso dal comando di IIS «{{command}}».',
  'iis.pool-state-unknown': "Lo stato dell'application pool {{pool}} non è leggibile ({{state}}).",
  'iis.pool-state-unknown.remedy':
    'Avvia il servizio Attivazione processi Windows (WAS) e il servizio Web (W3SVC), poi premi Riprova.',
  'iis.iisreset-failed': 'iisreset è terminato con il codice {{code}}.',
  'iis.iisreset-failed.remedy': 'Controlla i servizi di IIS con «iisreset /status» e premi Riprova.',
  'iis.path-unexpanded': 'Il percorso del sito contiene una variabile che non si risolve: {{path}}.',
  'iis.no-http-binding': 'In IIS il sito {{site}} non ha un indirizzo http o https.',
  'iis.no-http-binding.remedy': "Scrivi l'indirizzo del CRM nel profilo (url).",
  'iis.request-failed': "Il CRM non risponde all'indirizzo {{url}}.",
  'iis.request-failed.remedy':
    "Controlla che il sito e il suo application pool siano avviati e che l'indirizzo sia giusto, poi premi Riprova.",
  'after.crm-answers.no-version': 'Il CRM su {{url}} risponde, ma la pagina non dice la versione.',
  'after.crm-answers.no-version.remedy':
    'Apri «Informazioni su» nel CRM e verifica che la versione sia {{expected}}.',
  'session.choose-folder-unavailable': 'Qui non si può scegliere una cartella.',
  'session.install-path-corrected': "Percorso del CRM corretto dall'amministratore: {{path}}.",
  'check.installation.marker-missing.finding': 'In {{path}} manca {{marker}}: la cartella non sembra il CRM.',
  'check.installation.marker-missing.remedy':
    'Verifica il percorso in «Informazioni su» → «Info Server» → [Path:] e correggilo.',
  'sql.no-version-query': 'Il profilo non dice come leggere la versione del database.',
  'after.db-update.unchecked':
    "Confermato dall'amministratore; la versione di {{database}} non si è potuta leggere (il profilo non indica la query).",
  'after.db-update.unchecked.remedy':
    'Chiedi al fornitore la query della versione del database per il profilo.',
} satisfies Record<string, string>;
