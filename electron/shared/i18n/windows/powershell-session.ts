/** Issue 13 (the persistent PowerShell session (start-up, version, language mode, policy)): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'windows.powershell.too-old':
    'Su questo server c’è PowerShell {{found}}: il programma richiede Windows PowerShell 5.1 o successivo.',
  'windows.powershell.too-old.remedy':
    'Installa Windows Management Framework 5.1 (WMF 5.1) e riavvia il server, oppure usa Windows Server 2016 o successivo, che ha già PowerShell 5.1. Poi avvia di nuovo il programma.',
  'windows.powershell.constrained-language':
    'PowerShell su questo server funziona in modalità {{mode}}: un criterio AppLocker o Windows Defender Application Control (WDAC) limita il linguaggio (Constrained Language) e impedisce l’avvio della sessione del programma.',
  'windows.powershell.constrained-language.remedy':
    'Chiedi a chi gestisce i criteri di sicurezza del server un’eccezione che lasci a questo account di amministratore e alla cartella del programma di aggiornamento PowerShell in modalità completa (Full Language) per la durata dell’aggiornamento (AppLocker: la regola predefinita che consente tutti gli script al gruppo Administrators; WDAC: la modalità di controllo, audit, o un criterio supplementare per il programma), oppure esegui l’aggiornamento su un server senza quel criterio. Poi avvia di nuovo il programma.',
  'windows.powershell.execution-policy':
    'Criteri di esecuzione di PowerShell (ambito=criterio): {{policies}}.',
  'windows.powershell.execution-policy.group-policy':
    'Un criterio di gruppo imposta il criterio di esecuzione {{policy}} ({{scope}}): non ferma il programma, che esegue i propri script come blocchi di script dopo averne verificato l’impronta.',
  'windows.powershell.script-not-utf8':
    'Lo script {{script}} ({{file}}) non è testo UTF-8: non è stato eseguito.',
  'windows.powershell.script-not-utf8.remedy':
    'Il programma è incompleto o danneggiato: copia di nuovo il kit del fornitore.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'windows.powershell.too-old':
    'This server has PowerShell {{found}}: the program needs Windows PowerShell 5.1 or later.',
  'windows.powershell.too-old.remedy':
    'Install Windows Management Framework 5.1 (WMF 5.1) and restart the server, or use Windows Server 2016 or later, which comes with PowerShell 5.1. Then start the program again.',
  'windows.powershell.constrained-language':
    'PowerShell on this server runs in {{mode}} mode: an AppLocker or Windows Defender Application Control (WDAC) policy restricts the language (Constrained Language) and blocks the start-up of the program’s session.',
  'windows.powershell.constrained-language.remedy':
    'Ask whoever manages the server’s security policies for an exception that gives this administrator account and the upgrade manager’s folder PowerShell in Full Language mode for the upgrade (AppLocker: the default rule that allows all scripts to the Administrators group; WDAC: audit mode, or a supplemental policy for the program), or run the upgrade on a server without that policy. Then start the program again.',
  'windows.powershell.execution-policy': 'PowerShell execution policies (scope=policy): {{policies}}.',
  'windows.powershell.execution-policy.group-policy':
    'A Group Policy sets the execution policy {{policy}} ({{scope}}): it does not stop the program, which runs its own scripts as script blocks after checking their hash.',
  'windows.powershell.script-not-utf8': 'The script {{script}} ({{file}}) is not UTF-8 text: it was not run.',
  'windows.powershell.script-not-utf8.remedy':
    'The program is incomplete or damaged: copy the vendor’s kit again.',
};
export const powershellSessionMessages = { it, en };
