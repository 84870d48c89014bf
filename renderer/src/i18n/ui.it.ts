/**
 * The renderer's own words (namespace 'ui'), Italian. The engine's messages (step titles,
 * findings, remedies, errors) live in electron/shared/i18n, namespace 'engine'.
 * Labels of the CRM's own web UI stay verbatim: "Aggiorna Database", "Informazioni su", ...
 */
export const uiIt = {
  'ui.app.name': 'CRM Upgrade Manager',
  'ui.app.subtitle': 'Aggiornamento guidato del CRM',
  'ui.app.loading': 'Caricamento della sessione…',
  'ui.app.planLabel': 'Piano di aggiornamento',

  'ui.lang.toggle': 'Lingua: italiano. Passa all’inglese',

  'ui.header.server': 'Server',
  'ui.header.installed': 'Versione installata',
  'ui.header.installedUnknown': 'non rilevata',
  'ui.header.installPath': 'Percorso',
  'ui.header.kit': 'Versione del kit',
  'ui.header.practiceBadge': 'Server di prova',
  'ui.header.practiceBadgeHint':
    'Stai lavorando su un server di prova: nessun server reale viene modificato.',
  'ui.header.practiceKey':
    'Il kit è firmato con la chiave di prova: viene accettato solo in modalità prova, mai su un server reale.',

  'ui.phase.checks': 'Controlli',
  'ui.phase.backup': 'Backup',
  'ui.phase.upgrade': 'Aggiornamento',
  'ui.phase.after': 'Dopo l’aggiornamento',
  'ui.phase.report': 'Resoconto',
  'ui.phase.count': '{{done}} di {{total}} completati',

  'ui.status.pending': 'Da eseguire',
  'ui.status.running': 'In corso',
  'ui.status.passed': 'Superato',
  'ui.status.warning': 'Avviso',
  'ui.status.failed': 'Non riuscito',
  'ui.status.skipped': 'Saltato',
  'ui.status.waiting': 'Attende te',

  'ui.kind.check': 'Controllo',
  'ui.kind.action': 'Azione',
  'ui.kind.manual': 'Da fare a mano',
  'ui.notes.none': 'Nessuna nota di rilascio nel kit per queste versioni.',
  'ui.notes.otherLanguage': 'solo in inglese',
  'ui.credentials.legend': 'Credenziali SQL per la connessione {{connection}}',
  'ui.credentials.sql': 'Login SQL',
  'ui.credentials.ntlm': 'Utente di dominio (NTLM)',
  'ui.credentials.domain': 'Dominio',
  'ui.credentials.user': 'Utente',
  'ui.credentials.password': 'Password',
  'ui.credentials.invalid': 'Compila tutti i campi (niente caratteri di controllo).',
  'ui.credentials.memoryOnly':
    'Restano solo in memoria finché il programma è aperto: mai nel giornale, nel registro o nel rapporto.',
  'ui.credentials.submit': 'Usa queste credenziali e riprova',
  'ui.users.wait': 'Attendi che escano (ricontrolla ogni {{seconds}} s)',
  'ui.users.stopWaiting': 'Smetti di attendere',
  'ui.users.lastChecked': 'ultimo controllo alle {{time}}',
  'ui.header.correctPath': 'Correggi…',
  'ui.header.lockoutHint':
    'Dagli altri PC il CRM mostra la pagina di manutenzione; da questo server risponde. Gli utenti rientrano dopo «Aggiorna Database» su ogni connessione.',
  'ui.step.blocking': 'bloccante',
  'ui.step.optional': 'facoltativo',
  'ui.step.finding': 'Esito',
  'ui.step.remedy': 'Cosa fare',
  'ui.step.instructions': 'Istruzioni',
  'ui.step.evidence': 'Dati rilevati',
  'ui.step.skipReason': 'Saltato con motivo',
  'ui.step.duration': 'Durata: {{time}}',

  'ui.bool.true': 'sì',
  'ui.bool.false': 'no',

  'ui.progress.label': 'Avanzamento',
  'ui.progress.bytes': '{{done}} di {{total}}',
  'ui.progress.items': '{{done}} di {{total}} elementi',
  'ui.progress.elapsed': 'Trascorso {{time}}',
  'ui.progress.eta': 'Mancano circa {{time}}',

  'ui.action.start': 'Avvia aggiornamento',
  'ui.action.continue': 'Continua',
  'ui.action.retry': 'Riprova',
  'ui.action.skip': 'Salta con motivo…',
  'ui.action.confirm': 'Confermo',
  'ui.action.rollback': 'Ripristina (rollback)',
  'ui.action.working': 'Attendere…',

  'ui.skip.label': 'Motivo (resta nel registro e nel resoconto)',
  'ui.skip.placeholder': 'Per esempio: backup automatico notturno già verificato alle 02:00',
  'ui.skip.submit': 'Salta il passo',
  'ui.skip.cancel': 'Annulla',
  'ui.skip.tooShort': 'Scrivi un motivo di almeno 5 caratteri.',
  'ui.skip.tooLong': 'Il motivo può avere al massimo 500 caratteri.',
  'ui.skip.badChars': 'Il motivo contiene caratteri non ammessi.',

  'ui.rollback.title': 'Ripristinare il server dal backup?',
  'ui.rollback.body':
    'L’applicazione e i database tornano allo stato salvato dal backup di questa esecuzione. Gli utenti devono restare scollegati finché il ripristino non è terminato.',
  'ui.rollback.confirm': 'Sì, ripristina',
  'ui.rollback.cancel': 'Annulla',

  'ui.practice.logOffUsers': 'Disconnetti gli utenti (server di prova)',
  'ui.practice.pressAggiornaDatabase': 'Premi «Aggiorna Database» (server di prova)',
  'ui.practice.simulates':
    'Simulazione: fa sul server di prova ciò che su un server reale faresti tu nell’interfaccia web del CRM.',

  'ui.run.ready.title': 'Pronto per iniziare',
  'ui.run.ready.body':
    'Nulla è ancora stato modificato sul server. Prima i controlli, poi il backup verificato: nessuna modifica avviene senza.',
  'ui.run.resumed.body': 'Questa esecuzione era stata interrotta: riprende dal punto in cui si era fermata.',
  'ui.run.running.title': 'Aggiornamento in corso',
  'ui.run.running.body': 'Passo in corso: {{step}}',
  'ui.run.running.idle': 'Il motore sta lavorando sui passi del piano.',
  'ui.run.waiting.title': 'Tocca a te',
  'ui.run.waiting.body': 'Da fare ora: {{step}}',
  'ui.run.paused.title': 'In pausa: un passo non è riuscito',
  'ui.run.paused.body':
    'Passo non riuscito: {{step}}. Puoi riprovarlo, saltarlo con un motivo (dove ammesso) o ripristinare il server.',
  'ui.run.paused.resumedTitle': 'In pausa',
  'ui.run.paused.resumed': 'Esecuzione interrotta e ripresa: premi «Continua» per proseguire.',
  'ui.run.gotoStep': 'Vai al passo',
  'ui.run.finished.title': 'Aggiornamento terminato',
  'ui.run.finished.body': 'Tutti i passi sono stati completati.',
  'ui.run.rolling-back.title': 'Ripristino in corso',
  'ui.run.rolling-back.body': 'Il server torna allo stato del backup. Non chiudere l’applicazione.',
  'ui.run.rolled-back.title': 'Ripristino completato',
  'ui.run.rolled-back.body': 'Il server è tornato allo stato precedente l’aggiornamento.',

  'ui.report.title': 'Resoconto',
  'ui.report.outcome.upgraded': 'Server aggiornato',
  'ui.report.outcome.rolled-back': 'Server ripristinato dal backup',
  'ui.report.outcome.failed': 'Aggiornamento non riuscito',
  'ui.report.json': 'Resoconto JSON',
  'ui.report.html': 'Resoconto HTML',

  'ui.log.title': 'Registro',
  'ui.log.show': 'Mostra il registro ({{count}})',
  'ui.log.hide': 'Nascondi il registro',
  'ui.log.empty': 'Nessuna voce.',
  'ui.log.level.info': 'info',
  'ui.log.level.warn': 'avviso',
  'ui.log.level.error': 'errore',

  'ui.error.title': 'Operazione non riuscita',
  'ui.error.dismiss': 'Chiudi',
  'ui.error.call': 'Il motore non ha risposto alla richiesta: {{detail}}',
  'ui.error.session': 'Impossibile leggere lo stato dell’aggiornamento: {{detail}}',

  'ui.bridge.missingTitle': 'Il collegamento con il motore di aggiornamento manca',
  'ui.bridge.missingBody':
    'Questa pagina va aperta dall’applicazione CRM Upgrade Manager: aperta così, non può leggere né modificare il server.',
} as const satisfies Record<string, string>;

export type UiKey = keyof typeof uiIt;
