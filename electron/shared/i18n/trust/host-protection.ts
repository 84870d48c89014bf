/** Issue 12 (host-protection): the messages of this part, both languages side by side; it.ts and en.ts spread them. */
const it = {
  'host-protection.folder-relative': 'Il percorso {{dir}} non è un percorso completo.',
  'host-protection.folder-relative.remedy':
    'Indica la cartella con il percorso completo, su un disco locale del server (per esempio D:\\CrmUpgradeBackups), poi riprova.',
  'host-protection.folder-link':
    "{{dir}} esiste già ma è un collegamento (junction o link simbolico) verso un altro percorso: il programma non lo usa, perché chi l'ha creato deciderebbe dove scrive o cancella un'azione da amministratore.",
  'host-protection.folder-link.remedy':
    'Il programma non crea mai collegamenti: qualcuno ha preparato quel percorso prima di lui. Fai controllare il server da chi ne cura la sicurezza, rimuovi il collegamento (rmdir "{{dir}}" non tocca la cartella a cui punta), poi premi Riprova: il programma creerà una cartella vera, per Administrators e SYSTEM soltanto.',
  'host-protection.folder-not-folder': '{{dir}} esiste già ma non è una cartella.',
  'host-protection.folder-not-folder.remedy':
    'Controlla quel file, spostalo o rinominalo, poi premi Riprova: il programma creerà lì una cartella per Administrators e SYSTEM soltanto.',
  'host-protection.folder-owner':
    "La cartella {{dir}} esiste già e appartiene a {{owner}}, non ad Administrators o a SYSTEM: chi l'ha creata può cambiarne il contenuto e i permessi.",
  'host-protection.folder-owner.remedy':
    "Se non l'ha creata un amministratore, qualcuno l'ha preparata prima del programma: fai controllare il contenuto, poi spostala altrove o eliminala e premi Riprova; il programma ne creerà una nuova per Administrators e SYSTEM soltanto. Se è una cartella di rete, scegli invece una cartella su un disco locale del server.",
  'host-protection.folder-closed':
    "La cartella {{dir}} esiste già ma non lascia leggere i suoi permessi agli amministratori: non l'ha creata il programma.",
  'host-protection.folder-closed.remedy':
    'Fai controllare la cartella da chi cura la sicurezza del server: chi l\'ha creata ne ha escluso gli amministratori. Spostala altrove o eliminala (se serve, prendine prima la proprietà con takeown /f "{{dir}}" /a), poi premi Riprova: il programma ne creerà una nuova per Administrators e SYSTEM soltanto.',
  'host-protection.folder-open':
    "La cartella {{dir}} lascia entrare anche {{who}}: i file che il programma ci scrive (le copie con web.config, lo stato dell'aggiornamento) sarebbero leggibili o modificabili da altri.",
  'host-protection.folder-open.remedy':
    'Se il contenuto non ti serve, elimina la cartella e premi Riprova: il programma la creerà per Administrators e SYSTEM soltanto. Altrimenti, dopo averne controllato il contenuto, lasciala solo ad Administrators e SYSTEM (da un prompt amministratore: icacls "{{dir}}" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F, poi icacls "{{dir}}" /remove per ogni altro nome; sul server di prova: chmod 700 "{{dir}}") e premi Riprova.',
  'host-protection.folder-inherits':
    'La cartella {{dir}} eredita i permessi dalla cartella che la contiene: chi può scrivere lassù potrebbe entrare anche qui.',
  'host-protection.folder-inherits.remedy':
    'Dopo averne controllato il contenuto, toglile i permessi ereditati (da un prompt amministratore: icacls "{{dir}}" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F), oppure eliminala e lascia che il programma la crei, poi premi Riprova.',
  'host-protection.folder-failed': 'Non è stato possibile creare o controllare la cartella protetta {{dir}}.',
  'host-protection.folder-failed.remedy':
    'Avvia il programma come amministratore (tasto destro, «Esegui come amministratore») e controlla che il percorso sia su un disco locale del server, poi premi Riprova.',
} satisfies Record<string, string>;
const en: Record<keyof typeof it, string> = {
  'host-protection.folder-relative': 'The path {{dir}} is not a full path.',
  'host-protection.folder-relative.remedy':
    "Give the folder's full path, on a local disk of the server (for example D:\\CrmUpgradeBackups), then try again.",
  'host-protection.folder-link':
    '{{dir}} already exists but is a link (a junction or a symbolic link) to another path: the upgrade manager does not use it, because whoever made it would decide where an administrator action writes or deletes.',
  'host-protection.folder-link.remedy':
    'The upgrade manager never makes links: someone prepared that path before it did. Have the server checked by whoever looks after its security, remove the link (rmdir "{{dir}}" leaves the folder it points to alone), then press Retry: the upgrade manager will make a real folder, for Administrators and SYSTEM only.',
  'host-protection.folder-not-folder': '{{dir}} already exists but is not a folder.',
  'host-protection.folder-not-folder.remedy':
    'Check that file, move or rename it, then press Retry: the upgrade manager will make a folder there for Administrators and SYSTEM only.',
  'host-protection.folder-owner':
    'The folder {{dir}} already exists and belongs to {{owner}}, not to Administrators or SYSTEM: whoever made it can change its content and its permissions.',
  'host-protection.folder-owner.remedy':
    'If an administrator did not make it, someone prepared it before the upgrade manager: have its content checked, then move it elsewhere or delete it and press Retry; the upgrade manager will make a new one for Administrators and SYSTEM only. If it is a network folder, choose a folder on a local disk of the server instead.',
  'host-protection.folder-closed':
    'The folder {{dir}} already exists but does not let administrators read its permissions: the upgrade manager did not make it.',
  'host-protection.folder-closed.remedy':
    'Have the folder checked by whoever looks after the server\'s security: whoever made it shut administrators out. Move it elsewhere or delete it (if needed, take ownership first with takeown /f "{{dir}}" /a), then press Retry: the upgrade manager will make a new one for Administrators and SYSTEM only.',
  'host-protection.folder-open':
    "The folder {{dir}} also lets in {{who}}: the files the upgrade manager writes there (the backups with web.config, the upgrade's state) could be read or changed by others.",
  'host-protection.folder-open.remedy':
    'If you do not need its content, delete the folder and press Retry: the upgrade manager will make it for Administrators and SYSTEM only. Otherwise, once its content is checked, leave it to Administrators and SYSTEM alone (from an administrator prompt: icacls "{{dir}}" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F, then icacls "{{dir}}" /remove for every other name; on the practice server: chmod 700 "{{dir}}") and press Retry.',
  'host-protection.folder-inherits':
    'The folder {{dir}} inherits its permissions from the folder that holds it: whoever can write up there could get in here too.',
  'host-protection.folder-inherits.remedy':
    'Once its content is checked, remove its inherited permissions (from an administrator prompt: icacls "{{dir}}" /inheritance:r /grant:r *S-1-5-32-544:(OI)(CI)F *S-1-5-18:(OI)(CI)F), or delete it and let the upgrade manager make it, then press Retry.',
  'host-protection.folder-failed': 'The protected folder {{dir}} could not be made or checked.',
  'host-protection.folder-failed.remedy':
    'Start the upgrade manager as an administrator (right click, "Run as administrator") and check that the path is on a local disk of the server, then press Retry.',
};
export const hostProtectionMessages = { it, en };
