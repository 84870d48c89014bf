/** Issue 13 (the minimum platform: Windows Server 2016): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'check.architecture.windows-too-old.finding':
    'Questo server ha Windows {{version}} ({{name}}): il programma richiede Windows Server 2016 (10.0.14393) o successivo, con PowerShell 5.1.',
  'check.architecture.windows-too-old.remedy':
    "Esegui l'aggiornamento da un server con Windows Server 2016, 2019, 2022 o 2025. Su Windows Server 2012 R2 la finestra non può partire (Electron non supporta più Windows 8.1): segui la procedura manuale del produttore, oppure aggiorna prima il sistema operativo.",
  'check.architecture.windows-version-unreadable.finding':
    'La versione di Windows di questo server non è leggibile ({{version}}).',
  'check.architecture.windows-version-unreadable.remedy':
    'Da un prompt scrivi ver e controlla che il server sia Windows Server 2016 (10.0.14393) o successivo, poi premi Riprova.',
  'check.users.unlisted.finding':
    'Il profilo del CRM non dice come leggere "Elenco Utenti Connessi" per {{connections}}: il programma vede solo le sessioni SQL, non chi è collegato al CRM.',
  'check.users.unlisted.remedy':
    'Apri il CRM sul server, menu "Elenco Utenti Connessi", e controlla che non ci sia nessuno prima delle copie di sicurezza. Chiedi al fornitore di completare sql.connectedUsersQuery nel profilo.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'check.architecture.windows-too-old.finding':
    'This server runs Windows {{version}} ({{name}}): the program needs Windows Server 2016 (10.0.14393) or later, with PowerShell 5.1.',
  'check.architecture.windows-too-old.remedy':
    "Run the upgrade from a server with Windows Server 2016, 2019, 2022 or 2025. On Windows Server 2012 R2 the window cannot start (Electron no longer supports Windows 8.1): follow the vendor's manual procedure, or upgrade the operating system first.",
  'check.architecture.windows-version-unreadable.finding':
    "This server's Windows version cannot be read ({{version}}).",
  'check.architecture.windows-version-unreadable.remedy':
    'In a prompt type ver and check that the server runs Windows Server 2016 (10.0.14393) or later, then press Retry.',
  'check.users.unlisted.finding':
    'The CRM profile does not say how to read "Elenco Utenti Connessi" for {{connections}}: the program sees only SQL sessions, not who is logged in to the CRM.',
  'check.users.unlisted.remedy':
    'Open the CRM on the server, menu "Elenco Utenti Connessi", and check that nobody is there before the backups. Ask the vendor to fill in sql.connectedUsersQuery in the profile.',
};
export const platformMessages = { it, en };
