/** Issue 13 (the setup runner (MSI, exit-code tables, reboots)): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'upgrade.setup.installer-busy.finding':
    "Un'altra installazione è in corso su questo server (Windows Installer è occupato, codice 1618): il setup non è stato avviato.",
  'upgrade.setup.installer-busy.remedy':
    "Attendi che l'altra installazione finisca, oppure riavvia il server se non se ne vede nessuna, poi premi Riprova.",
  'upgrade.setup.exit-1602.finding':
    "Il setup è terminato con codice 1602: l'installazione è stata annullata. {{output}}",
  'upgrade.setup.exit-1603.finding':
    "Il setup è terminato con codice 1603: errore irreversibile durante l'installazione (il dettaglio è nel log del setup). {{output}}",
  'upgrade.setup.exit-1618.finding':
    "Il setup è terminato con codice 1618: un'altra installazione era in corso. {{output}}",
  'upgrade.setup.exit-1619.finding':
    'Il setup è terminato con codice 1619: il pacchetto di installazione non si apre (mancante o danneggiato). {{output}}',
  'upgrade.setup.exit-1638.finding':
    'Il setup è terminato con codice 1638: sul server è già installata un’altra versione di questo prodotto. {{output}}',
  'upgrade.setup.exit-1639.finding':
    'Il setup è terminato con codice 1639: riga di comando non valida (gli argomenti del kit). {{output}}',
  'upgrade.setup.inno-1.finding':
    'Il setup (Inno Setup) è terminato con codice 1: non si è avviato. {{output}}',
  'upgrade.setup.inno-2.finding':
    "Il setup (Inno Setup) è terminato con codice 2: annullato prima dell'installazione. {{output}}",
  'upgrade.setup.inno-3.finding':
    "Il setup (Inno Setup) è terminato con codice 3: errore irreversibile nel preparare l'installazione. {{output}}",
  'upgrade.setup.inno-4.finding':
    "Il setup (Inno Setup) è terminato con codice 4: errore irreversibile durante l'installazione. {{output}}",
  'upgrade.setup.inno-5.finding':
    'Il setup (Inno Setup) è terminato con codice 5: installazione interrotta, di solito per un file in uso. {{output}}',
  'upgrade.setup.inno-5.remedy':
    'Chiudi ciò che tiene aperti i file del CRM (servizi, programmi, finestre di Esplora risorse), poi premi Riprova.',
  'upgrade.setup.inno-6.finding':
    'Il setup (Inno Setup) è terminato con codice 6: terminato a forza. {{output}}',
  'upgrade.setup.inno-7.finding':
    'Il setup (Inno Setup) è terminato con codice 7: la preparazione ha stabilito che non può installare. {{output}}',
  'upgrade.setup.inno-8.finding':
    'Il setup (Inno Setup) è terminato con codice 8: il server va riavviato prima di poter installare. {{output}}',
  'upgrade.setup.inno-8.remedy':
    'Riavvia il server, avvia di nuovo il gestore aggiornamenti con lo stesso kit e premi Riprova.',
  'upgrade.setup.restart-needed.finding':
    'Il setup è riuscito (codice {{code}}), ma alcuni file saranno sostituiti solo al riavvio del server.',
  'upgrade.setup.restart-needed.remedy':
    'Il server va riavviato prima della verifica della versione installata: il gestore si ferma e lo dice al momento giusto.',
  'upgrade.setup.restarting.finding':
    'Il setup è riuscito (codice {{code}}) e ha già avviato il riavvio: il server si sta riavviando, avvia di nuovo il gestore aggiornamenti dopo il riavvio.',
  'upgrade.setup.restarting.remedy':
    "Dopo il riavvio avvia di nuovo il gestore aggiornamenti con lo stesso kit: l'esecuzione riprende da qui.",
  'upgrade.restart.in-progress':
    'Il server si sta riavviando: avvia di nuovo il gestore aggiornamenti dopo il riavvio.',
  'upgrade.restart.in-progress.remedy':
    "Dopo il riavvio avvia di nuovo il gestore aggiornamenti con lo stesso kit: l'esecuzione riprende da questo passo.",
  'upgrade.restart.required':
    'Il server va riavviato per completare il setup (alcuni file sono sostituiti al riavvio): la versione installata si verifica dopo il riavvio.',
  'upgrade.restart.required.remedy':
    "Riavvia il server, poi avvia di nuovo il gestore aggiornamenti con lo stesso kit: l'esecuzione riprende dalla verifica della versione.",
  'upgrade.setup.timeout-left.finding':
    'Il setup non ha terminato entro {{seconds}} secondi ed è stato interrotto. Ancora in esecuzione: {{left}}.',
  'upgrade.setup.timeout-left.remedy':
    'Prima di ripristinare o di premere Riprova attendi che msiexec finisca (Gestione attività) o riavvia il server: Windows Installer potrebbe ancora cambiare i file.',
  'windows.setup-not-runnable':
    '{{program}} non è un setup eseguibile: serve un .exe o un .msi con il percorso completo.',
  'windows.setup-not-runnable.remedy':
    'Il kit va corretto: chiedi al fornitore un kit con il setup .exe o .msi.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'upgrade.setup.installer-busy.finding':
    'Another installation is in progress on this server (Windows Installer is busy, code 1618): the setup was not started.',
  'upgrade.setup.installer-busy.remedy':
    'Wait for the other installation to finish, or restart the server if none is visible, then press Retry.',
  'upgrade.setup.exit-1602.finding':
    'The setup ended with code 1602: the installation was cancelled. {{output}}',
  'upgrade.setup.exit-1603.finding':
    "The setup ended with code 1603: a fatal error during the installation (the setup's log has the detail). {{output}}",
  'upgrade.setup.exit-1618.finding':
    'The setup ended with code 1618: another installation was in progress. {{output}}',
  'upgrade.setup.exit-1619.finding':
    'The setup ended with code 1619: the installation package cannot be opened (missing or damaged). {{output}}',
  'upgrade.setup.exit-1638.finding':
    'The setup ended with code 1638: another version of this product is already installed on the server. {{output}}',
  'upgrade.setup.exit-1639.finding':
    "The setup ended with code 1639: invalid command line (the kit's arguments). {{output}}",
  'upgrade.setup.inno-1.finding': 'The setup (Inno Setup) ended with code 1: it failed to start. {{output}}',
  'upgrade.setup.inno-2.finding':
    'The setup (Inno Setup) ended with code 2: cancelled before the installation began. {{output}}',
  'upgrade.setup.inno-3.finding':
    'The setup (Inno Setup) ended with code 3: a fatal error while preparing the installation. {{output}}',
  'upgrade.setup.inno-4.finding':
    'The setup (Inno Setup) ended with code 4: a fatal error during the installation. {{output}}',
  'upgrade.setup.inno-5.finding':
    'The setup (Inno Setup) ended with code 5: the installation was aborted, usually because a file is in use. {{output}}',
  'upgrade.setup.inno-5.remedy':
    "Close whatever holds the CRM's files open (services, programs, Explorer windows), then press Retry.",
  'upgrade.setup.inno-6.finding':
    'The setup (Inno Setup) ended with code 6: it was forcefully terminated. {{output}}',
  'upgrade.setup.inno-7.finding':
    'The setup (Inno Setup) ended with code 7: its preparation found that it cannot install. {{output}}',
  'upgrade.setup.inno-8.finding':
    'The setup (Inno Setup) ended with code 8: the server must be restarted before it can install. {{output}}',
  'upgrade.setup.inno-8.remedy':
    'Restart the server, start the upgrade manager again with the same kit and press Retry.',
  'upgrade.setup.restart-needed.finding':
    'The setup succeeded (code {{code}}), but some files are replaced only when the server restarts.',
  'upgrade.setup.restart-needed.remedy':
    'The server must restart before the installed version is checked: the manager stops and says so at the right moment.',
  'upgrade.setup.restarting.finding':
    'The setup succeeded (code {{code}}) and has already started the restart: the server is restarting, start the upgrade manager again after the reboot.',
  'upgrade.setup.restarting.remedy':
    'After the reboot start the upgrade manager again with the same kit: the run continues from here.',
  'upgrade.restart.in-progress':
    'The server is restarting: start the upgrade manager again after the reboot.',
  'upgrade.restart.in-progress.remedy':
    'After the reboot start the upgrade manager again with the same kit: the run continues from this step.',
  'upgrade.restart.required':
    'The server must restart to finish the setup (some files are replaced at the reboot): the installed version is checked after the restart.',
  'upgrade.restart.required.remedy':
    'Restart the server, then start the upgrade manager again with the same kit: the run continues with the version check.',
  'upgrade.setup.timeout-left.finding':
    'The setup did not finish within {{seconds}} seconds and was stopped. Still running: {{left}}.',
  'upgrade.setup.timeout-left.remedy':
    'Before rolling back or pressing Retry, wait for msiexec to finish (Task Manager) or restart the server: Windows Installer may still be changing the files.',
  'windows.setup-not-runnable':
    '{{program}} is not a runnable setup: an .exe or .msi by its full path is needed.',
  'windows.setup-not-runnable.remedy':
    'The kit must be corrected: ask the vendor for a kit with an .exe or .msi setup.',
};
export const setupRunnerMessages = { it, en };
