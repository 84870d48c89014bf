/** Issue 12 (input-bounds): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'input.reason.unsafe-character':
    'Il motivo contiene un carattere non ammesso ({{character}}): a capo, tabulazioni, caratteri di controllo e segni di direzione del testo non sono accettati. Scrivi il motivo su una sola riga, con testo normale.',
  'input.reason.length': 'Il motivo deve avere da {{min}} a {{max}} caratteri: scrivi perché salti il passo.',
  'input.credentials.domain-unsafe':
    'Il dominio contiene un carattere non ammesso ({{character}}): caratteri di controllo e segni di direzione del testo non sono accettati. Riscrivilo a mano.',
  'input.credentials.user-unsafe':
    'Il nome utente contiene un carattere non ammesso ({{character}}): caratteri di controllo e segni di direzione del testo non sono accettati. Riscrivilo a mano.',
  'input.credentials.password-unsafe':
    'La password contiene un carattere non ammesso ({{character}}): caratteri di controllo e segni di direzione del testo non sono accettati. Usa un login con una password di testo normale.',
  'input.credentials.allow-unvalidated-certificate':
    'Accetto di collegarmi anche se il certificato di SQL Server non è verificato (sconsigliato: la password potrebbe essere intercettata). La scelta viene registrata.',
  'sql.certificate-exception-consented':
    "Connessione {{connection}} ({{user}}): l'amministratore ha accettato un certificato di SQL Server non verificato.",
  'sql.certificate-untrusted':
    'Il certificato di SQL Server per la connessione {{connection}} non è verificato ({{detail}}): la connessione non è stata aperta e nessuna password è stata inviata.',
  'sql.certificate-untrusted.remedy':
    "Installa su SQL Server un certificato emesso da un'autorità di cui questo server si fida, col nome del server, poi premi Riprova. Se le credenziali le hai inserite tu, puoi anche inserirle di nuovo spuntando l'eccezione per il certificato non verificato: la scelta viene registrata.",
  'sql.login-without-encryption':
    'SQL Server per la connessione {{connection}} non ha attivato la cifratura: le credenziali inserite non sono state inviate in chiaro.',
  'sql.login-without-encryption.remedy':
    'Verifica di collegarti al vero SQL Server (nessun dispositivo in mezzo) e che la cifratura sia attiva sul server, poi premi Riprova.',
  'sql.query-not-read-only':
    'La query del profilo per la connessione {{connection}} non è una sola SELECT ({{problem}}): non è stata eseguita.',
  'sql.query-not-read-only.remedy':
    'Il profilo del kit va corretto dal fornitore: ogni query deve essere una sola SELECT, senza «;», INTO o EXEC.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'input.reason.unsafe-character':
    'The reason contains a character that is not allowed ({{character}}): line breaks, tabs, control characters and text direction marks are refused. Write the reason on one line, in plain text.',
  'input.reason.length':
    'The reason must be {{min}} to {{max}} characters long: write why you skip the step.',
  'input.credentials.domain-unsafe':
    'The domain contains a character that is not allowed ({{character}}): control characters and text direction marks are refused. Type it again by hand.',
  'input.credentials.user-unsafe':
    'The user name contains a character that is not allowed ({{character}}): control characters and text direction marks are refused. Type it again by hand.',
  'input.credentials.password-unsafe':
    'The password contains a character that is not allowed ({{character}}): control characters and text direction marks are refused. Use a login whose password is plain text.',
  'input.credentials.allow-unvalidated-certificate':
    "I accept connecting even though SQL Server's certificate is not validated (not advised: the password could be intercepted). This choice is logged.",
  'sql.certificate-exception-consented':
    'Connection {{connection}} ({{user}}): the admin accepted an unvalidated SQL Server certificate.',
  'sql.certificate-untrusted':
    "SQL Server's certificate for connection {{connection}} is not validated ({{detail}}): the connection was not opened and no password was sent.",
  'sql.certificate-untrusted.remedy':
    "Install on SQL Server a certificate issued by an authority this server trusts, with the server's name, then press Retry. If you typed the credentials yourself, you may also type them again ticking the exception for the unvalidated certificate: the choice is logged.",
  'sql.login-without-encryption':
    'SQL Server for connection {{connection}} did not turn encryption on: the credentials you typed were not sent in clear text.',
  'sql.login-without-encryption.remedy':
    'Check that you reach the real SQL Server (no device in between) and that encryption is on at the server, then press Retry.',
  'sql.query-not-read-only':
    "The profile's query for connection {{connection}} is not a single SELECT ({{problem}}): it was not run.",
  'sql.query-not-read-only.remedy':
    "The kit's profile must be corrected by the vendor: each query must be one SELECT, with no ';', INTO or EXEC.",
};
export const inputBoundsMessages = { it, en };
