/** Issue 13 (IIS pools, workers, web services and the site request): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'iis.pool-autostart-unreadable':
    "L'impostazione «Avvio automatico» (autoStart) del pool di applicazioni {{pool}} non si legge: «{{text}}».",
  'iis.pool-autostart-unreadable.remedy':
    'Controlla il pool in Gestione IIS (Impostazioni avanzate → Avvio automatico), poi premi Riprova.',
  'iis.web-services-missing':
    'Su questo server manca il servizio {{services}}: IIS non può far girare il CRM.',
  'iis.web-services-missing.remedy':
    'Verifica che il ruolo Server Web (IIS) sia installato completo, con il Servizio Attivazione processi Windows (WAS), poi premi Riprova.',
  'iis.web-services-not-running': 'I servizi di IIS non si avviano: {{services}}.',
  'iis.web-services-not-running.remedy':
    "Apri Servizi (services.msc), imposta «Servizio Attivazione processi Windows» e «Servizio Pubblicazione sul Web» su Automatico, avviali e premi Riprova. Il dettaglio dell'errore è nel registro.",
  'iis.web-services-started': 'Servizi di IIS trovati fermi e riavviati: {{services}}.',
  'upgrade.web-services.started.finding':
    "Dopo l'installazione i servizi di IIS erano fermi ({{services}}): sono stati riavviati.",
  'upgrade.web-services.started.remedy':
    "Nessuna azione: è normale per alcuni programmi d'installazione. I pool del CRM restano fermi finché l'aggiornamento non li riavvia.",
  'lockout.outside-unchecked.finding':
    "Il blocco è attivo, ma la verifica dall'esterno su {{url}} non ha avuto risposta: non è provato che gli utenti vedano la pagina di manutenzione.",
  'lockout.outside-unchecked.remedy':
    'Da un PC degli utenti apri {{url}}: deve comparire la pagina «CRM in aggiornamento». Se compare il CRM, controlla i binding in Gestione IIS e premi Riprova, oppure ripristina.',
  'after.crm-answers.no-answer.finding':
    'Il CRM non ha risposto alla verifica su {{url}}: non è provato che funzioni.',
  'after.crm-answers.no-answer.remedy':
    'Da un PC degli utenti apri {{url}}: controlla che il CRM risponda e che «Informazioni su» mostri la versione {{expected}}.',
} satisfies Record<string, string>;

const en: Record<keyof typeof it, string> = {
  'iis.pool-autostart-unreadable':
    'The "Start Automatically" setting (autoStart) of application pool {{pool}} cannot be read: "{{text}}".',
  'iis.pool-autostart-unreadable.remedy':
    'Check the pool in IIS Manager (Advanced Settings → Start Automatically), then press Retry.',
  'iis.web-services-missing': 'This server lacks the {{services}} service: IIS cannot run the CRM.',
  'iis.web-services-missing.remedy':
    'Check that the Web Server (IIS) role is fully installed, with the Windows Process Activation Service (WAS), then press Retry.',
  'iis.web-services-not-running': 'The IIS services do not start: {{services}}.',
  'iis.web-services-not-running.remedy':
    'Open Services (services.msc), set "Windows Process Activation Service" and "World Wide Web Publishing Service" to Automatic, start them and press Retry. The error detail is in the log.',
  'iis.web-services-started': 'IIS services found stopped and started again: {{services}}.',
  'upgrade.web-services.started.finding':
    'After the setup the IIS services were stopped ({{services}}): they were started again.',
  'upgrade.web-services.started.remedy':
    "Nothing to do: some setups do this. The CRM's pools stay stopped until the upgrade starts them.",
  'lockout.outside-unchecked.finding':
    'The lockout is on, but the check from outside at {{url}} got no answer: it is not proven that users see the maintenance page.',
  'lockout.outside-unchecked.remedy':
    'From a user\'s PC open {{url}}: the "CRM in aggiornamento" page must show. If the CRM shows, check the bindings in IIS Manager and press Retry, or roll back.',
  'after.crm-answers.no-answer.finding':
    'The CRM did not answer the check at {{url}}: it is not proven that it works.',
  'after.crm-answers.no-answer.remedy':
    'From a user\'s PC open {{url}}: check that the CRM answers and that "Informazioni su" shows version {{expected}}.',
};

export const iisPoolsMessages = { it, en };
