/** Issue 15 (the practice farm): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'practice-farm.servers-out-of-range': 'Una farm di prova ha da 1 a 9 server applicativi, non {{servers}}.',
  'practice-farm.servers-out-of-range.remedy':
    'Scrivi il numero di server con --servers, da 1 a 9 (per esempio: crm-upgrade practice farm CARTELLA --servers 3).',
  'practice-farm.farm-missing':
    'La cartella {{dir}} è un server di una farm di prova (farm: true in practice-server.json), ma la cartella sopra non ha una farm di prova valida: {{farm}} manca o non è leggibile.',
  'practice-farm.farm-missing.remedy':
    "Apri il server dalla sua farm, così com'è stata creata, oppure crea una farm nuova con crm-upgrade practice farm CARTELLA --servers N.",
  'practice-farm.member-unlisted':
    'La cartella {{dir}} dice di essere il server {{hostname}} della farm di prova {{farm}}, ma la farm non lo elenca in una cartella con il suo nome (server della farm: {{servers}}).',
  'practice-farm.member-unlisted.remedy':
    'Apri uno dei server elencati, ognuno nella cartella con il suo nome dentro la farm, oppure crea una farm nuova con crm-upgrade practice farm CARTELLA --servers N.',
  'practice-farm.member-missing':
    "La farm di prova {{farm}} elenca un server che non c'è: {{dir}} non ha practice-server.json.",
  'practice-farm.member-missing.remedy':
    'Rimetti la cartella del server nella farm oppure crea una farm nuova con crm-upgrade practice farm CARTELLA --servers N.',
  'practice-farm.made': 'Farm di prova: {{dir}} ({{count}} server applicativi, un solo SQL Server condiviso)',
  'practice-farm.server': '  server {{hostname}}: {{dir}}',
  'practice-farm.sql': '  SQL Server condiviso {{sqlServer}}: {{instance}}',
  'practice-farm.next':
    'Ogni server è un server di prova: per esempio crm-upgrade check --practice {{dir}} --kit KIT.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'practice-farm.servers-out-of-range': 'A practice farm has 1 to 9 application servers, not {{servers}}.',
  'practice-farm.servers-out-of-range.remedy':
    'Give the number of servers with --servers, 1 to 9 (for example: crm-upgrade practice farm FOLDER --servers 3).',
  'practice-farm.farm-missing':
    'The folder {{dir}} is a server of a practice farm (farm: true in practice-server.json), but the folder above holds no valid practice farm: {{farm}} is missing or unreadable.',
  'practice-farm.farm-missing.remedy':
    'Open the server inside its farm, as it was made, or make a new farm with crm-upgrade practice farm FOLDER --servers N.',
  'practice-farm.member-unlisted':
    "The folder {{dir}} says it is server {{hostname}} of the practice farm {{farm}}, but the farm does not list it in a folder of its name (the farm's servers: {{servers}}).",
  'practice-farm.member-unlisted.remedy':
    'Open one of the listed servers, each in the folder of its name inside the farm, or make a new farm with crm-upgrade practice farm FOLDER --servers N.',
  'practice-farm.member-missing':
    'The practice farm {{farm}} lists a server that is not there: {{dir}} has no practice-server.json.',
  'practice-farm.member-missing.remedy':
    "Put the server's folder back in the farm, or make a new farm with crm-upgrade practice farm FOLDER --servers N.",
  'practice-farm.made': 'Practice farm: {{dir}} ({{count}} application servers, one shared SQL Server)',
  'practice-farm.server': '  server {{hostname}}: {{dir}}',
  'practice-farm.sql': '  shared SQL Server {{sqlServer}}: {{instance}}',
  'practice-farm.next':
    'Each server is a practice server: for example crm-upgrade check --practice {{dir}} --kit KIT.',
};
export const practiceFarmMessages = { it, en };
