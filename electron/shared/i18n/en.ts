import type { MessageKey } from '../message';
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
/** The English catalogue: the same keys as it.ts (a test holds them equal). CRM labels stay in Italian. */
export const en: Record<MessageKey, string> = {
  ...kitStagingMessages.en,
  ...hostProtectionMessages.en,
  ...practiceEditionMessages.en,
  ...inputBoundsMessages.en,
  ...rollbackProofMessages.en,
  ...fixedEnvironmentMessages.en,
  ...powershellSessionMessages.en,
  ...iisPoolsMessages.en,
  ...setupRunnerMessages.en,
  ...connectionStringsMessages.en,
  ...platformMessages.en,
  ...sqlConnectionMessages.en,
  ...sqlDatabasesMessages.en,
  ...farmEngineMessages.en,
  ...practiceFarmMessages.en,
  'phase.checks': 'Checks',
  'phase.backup': 'Backups',
  'phase.upgrade': 'Upgrade',
  'phase.after': 'After the upgrade',
  'phase.report': 'Report',
  'status.pending': 'pending',
  'status.running': 'running',
  'status.passed': 'passed',
  'status.warning': 'warning',
  'status.failed': 'failed',
  'status.skipped': 'skipped',
  'status.waiting': 'waiting for you',

  'step.check.kit.title': 'Upgrade kit whole and signed',
  'step.check.elevation.title': 'Administrator rights',
  'step.check.architecture.title': 'Operating system architecture',
  'step.check.installation.title': 'CRM installation found',
  'step.check.version.title': 'Installed version and upgrade path',
  'step.check.licence.title': 'Support contract (module "0")',
  'step.check.users.title': 'Nobody connected ("Elenco Utenti Connessi")',
  'step.check.disk.title': 'Free space for the backups',
  'step.check.release-notes.title': 'I have read what changes (NOTA BENE 1)',
  'step.backup.files.title': 'Copy of the application folder (zip)',
  'step.backup.verify-files.title': 'Verify the folder copy',
  'step.backup.db.title': 'Back up database {{database}} (connection {{connection}})',
  'step.backup.verify-db.title': 'Verify the backup of {{database}}',
  'step.backup.stop-pool.title': 'Stop the CRM in IIS (application pool)',
  'step.upgrade.setup.title': 'CRM upgrade setup',
  'step.upgrade.mobile-setup.title': 'MOBILE server setup',
  'step.upgrade.start-pool.title': 'Start the CRM in IIS again',
  'step.upgrade.check-version.title': 'Installed version after the setup',
  'step.after.db-update.title': '"Aggiorna Database" for connection {{connection}}',
  'step.after.add-functions.title': '"Aggiungi Tutte le funzioni" for the ADMIN user (optional)',
  'step.after.crm-answers.title': 'The CRM answers with the new version',
  'step.report.write.title': 'Report written onto the kit',
  // issue 11: lockout
  'step.backup.lockout-on.title': 'Users locked out: the CRM answers only on this server',
  'step.backup.users-again.title': 'Connected users, again, with users locked out',
  'step.after.lockout-off.title': 'Users let back in',
  'lockout.on.done':
    'Users locked out of {{sites}}: from other PCs the CRM shows the maintenance page; on this server it answers at {{url}}.',
  'lockout.not-effective.finding':
    'The site {{site}} still answers from other PCs (HTTP {{status}}): users are not locked out.',
  'lockout.not-effective.remedy':
    'In IIS Manager check the bindings of the site {{site}} and of the maintenance site if any, then press Retry; or roll back.',
  'lockout.off.done': 'Users let back in to {{sites}}: original bindings put back, maintenance site removed.',
  'lockout.off.skipped':
    'Users let back in, but on {{connections}} the database update was skipped by your choice: that database stays at the previous version.',
  'lockout.since': 'Users locked out since {{time}} ({{duration}} ago)',
  'undo.lockout.ended': 'Users let back in to {{sites}}: original bindings put back.',
  'undo.lockout.put-back': 'Users locked out of {{sites}} again: the CRM answers only on this server.',
  'practice.login.refused':
    'Practice server: {{user}} cannot get into {{connection}} (HTTP {{status}}, users locked out).',
  'practice.login.admitted': 'Practice server: {{user}} got into {{connection}}.',

  'check.kit.vendor-key': "Vendor's signature valid; every kit file matches.",
  'check.kit.practice-key':
    'Kit signed with the PRACTICE key: accepted on the practice server only, never on a real server.',
  'check.kit.unblocked':
    '{{count}} kit files were marked as downloaded from the internet ({{files}}): unblocked after the signature and hashes passed.',
  'check.kit.remedy':
    "Don't use this kit. Download the kit from the vendor again onto a clean stick and start the program from the stick.",
  'check.elevation.finding': 'The program does not hold administrator rights.',
  'check.elevation.remedy':
    'Close the program and start it again with "Run as administrator" (the CRM setup needs them and restarts IIS).',
  'check.architecture.finding': 'The kit is for {{kit}} but the operating system is {{os}}.',
  'check.architecture.remedy': 'Use the kit for {{os}} or run the upgrade on a 64-bit server.',
  'check.architecture.unknown.finding': "The kit's architecture cannot be read.",
  'check.architecture.unknown.remedy': "Check the kit: its version name can't be read.",
  'check.installation.found': 'CRM found at {{path}}.',
  'check.installation.no-site.finding': 'IIS does not host the CRM site "{{site}}" on this server.',
  'check.installation.no-site.remedy':
    'Run the program on the application server (not the database server). If the site has another name, set it in the profile.',
  'check.installation.no-files.finding':
    'The folder {{path}} holds no CRM installation (web.config is missing).',
  'check.installation.no-files.remedy':
    'Check the path under "Informazioni su" → "Info Server" → [Path:] in the CRM and correct it.',
  'check.installation.no-connections.finding': 'The web.config in {{path}} lists no connection.',
  'check.installation.no-connections.remedy':
    'This upgrade is only for a CRM that is installed and working (NOTA BENE 2).',
  'check.version.upgrade': 'From {{installed}} to {{kit}}.',
  'check.version.no-kit.finding': "The kit's version is not known.",
  'check.version.no-kit.remedy': 'Check the kit: it is missing or not valid.',
  'check.version.unreadable.finding': 'The installed version cannot be read ({{file}}).',
  'check.version.unreadable.remedy':
    'Check the version under "Informazioni su" in the CRM and that the installation is whole.',
  'check.version.same.finding': 'Version {{installed}} is already installed.',
  'check.version.same.remedy':
    'No upgrade is needed. Only if support asks for it, you may force a reinstall by skipping this check with the reason.',
  'check.version.downgrade.finding': 'The kit ({{kit}}) is older than the installed version ({{installed}}).',
  'check.version.downgrade.remedy': 'Going back to an older version is not possible: get the newest kit.',
  'check.version.too-old.finding':
    'The installed version {{installed}} is older than the oldest upgradable one ({{minimum}}).',
  'check.version.too-old.remedy': 'Install version {{minimum}} first, then this kit.',
  'check.licence.ok': 'Modules: {{modules}}.',
  'check.licence.finding': 'Modules: {{modules}}. Module "0" is missing: the support contract is not active.',
  'check.licence.remedy':
    'Installing an upgrade needs an active support contract (NOTA BENE 2). Contact the vendor to renew it.',
  'check.licence.unreadable.finding': "The licence's modules cannot be read ({{file}}).",
  'check.licence.unreadable.remedy':
    'Open "Informazioni su" → "Informazioni di Licenza" in the CRM and check the "Moduli:" line.',
  'check.release-notes.instructions':
    "Read what is new in every version between the installed one and the kit's, to weigh the impact on applications and functions, then press Confirm.",
  'check.release-notes.read': 'The administrator has read what changes.',
  'check.users.none': 'Nobody is connected.',
  'check.users.finding': '{{count}} users connected: {{users}}.',
  'check.users.remedy':
    'Ask the users to log out ("Amministrazione | Elenco Utenti Connessi"), then press Retry. Only if you are sure, you may go on anyway with a reason.',
  'check.disk.files.finding': '{{needMb}} MB are needed in {{path}}, {{freeMb}} MB are free.',
  'check.disk.files.remedy': 'Free some space or choose another folder for the backups.',
  'check.disk.database.finding':
    'The backup of {{connection}} needs {{needMb}} MB, {{freeMb}} MB are free on the SQL server.',
  'check.disk.database.remedy': "Free some space in SQL Server's backup folder.",
  'check.disk.inside-app.finding': 'The backup folder {{path}} is inside the application folder {{app}}.',
  'check.disk.inside-app.remedy':
    'Choose a folder outside {{app}}, on a local disk with room (for example D:\\CrmUpgradeBackups).',
  'check.disk.on-kit.finding': "The backup folder {{path}} is on the kit's stick ({{kit}}).",
  'check.disk.on-kit.remedy':
    'Choose a folder on a local disk of the server: the stick leaves with you, and the backups are needed here to roll back.',
  'check.disk.no-site.finding': 'Without an installation the space needed cannot be measured.',
  'check.disk.no-site.remedy': 'Solve the installation check first.',

  'backup.files.started': 'Copying {{source}} to {{zip}}.',
  'backup.files.done': 'Copy written to {{zip}}.',
  // issue 11: folders and half-finished upgrades
  'step.backup.mobile-files.title': 'Copy of the MOBILE folder (zip)',
  'step.backup.verify-mobile-files.title': 'Verify the MOBILE folder copy',
  'backup.files.leftovers-removed':
    'Removed what an interrupted copy left behind (partial zip or incomplete manifest): {{files}}.',
  'backup.files.restore-other-folder':
    'The copy was taken from {{source}}, not from {{path}}: the restore would delete everything in {{path}} that the copy does not know.',
  'backup.files.restore-other-folder.remedy':
    'Give --to the folder the copy was taken from ({{source}}). To restore it elsewhere, use an empty or new folder and add --to-other-folder.',
  'backup.files.restore-not-empty':
    'The folder {{path}} is not empty or holds {{source}}: a restore elsewhere goes only into an empty or new folder.',
  'backup.files.restore-not-empty.remedy':
    'Choose a folder that is empty or does not exist yet, or restore into {{source}}, the folder the copy was taken from.',
  'step.backup.folder.title': 'Copy of the folder {{name}} (zip)',
  'step.backup.verify-folder.title': 'Verify the copy of the folder {{name}}',
  'backup.folder.no-anchor':
    "The kit says its setup changes {{declared}} ('{{name}}'), but that site is not on this server.",
  'backup.folder.no-anchor.remedy':
    'Ask the vendor for a kit that matches this installation, or skip this copy with a reason if you know the folder is not used here.',
  'backup.folder.refused':
    "The kit's folder '{{name}}' ({{declared}}) would be {{path}}: a drive's root, a folder that holds the CRM, MOBILE or the backups, or one inside them. It is not copied.",
  'backup.folder.refused.remedy':
    'Ask the vendor to correct the kit. Skip this copy with a reason only if you have your own copy of that folder.',
  'backup.folder.absent':
    'The folder {{path}} does not exist yet: nothing to copy. A rollback removes it if a setup creates it.',
  'undo.folder.removed': 'The folder {{path}}, which a setup created, was removed.',
  'undo.folder.still-absent': 'The folder {{path}} did not exist before and does not now.',
  'check.version.resumed':
    'The files are at {{installed}}, brought there by this run (it started from {{startedFrom}}).',
  'check.version.db-behind.finding':
    "Upgrade not finished: the files are already at version {{installed}}, but 'Aggiorna Database' is still needed on {{connections}}.",
  'check.version.db-behind.remedy':
    "The run finishes it: it backs up the folders and databases, does not run again the setups whose folder is already at {{installed}}, and leads to 'Aggiorna Database' on {{connections}}.",
  'check.version.mobile-behind.finding':
    'Upgrade not finished: the CRM is at version {{installed}}, MOBILE is still at {{mobile}}.',
  'check.version.mobile-behind.remedy':
    "The run finishes it: it backs up the folders and databases, leaves the CRM's files as they are, runs the MOBILE setup, then leads to 'Aggiorna Database'.",
  'backup.files.failed': 'The folder copy failed.',
  'backup.files.failed.remedy': 'Read the log for the detail, fix it and press Retry.',
  'backup.files.unreadable': 'The file {{path}} cannot be read ({{code}}).',
  'backup.files.unreadable.remedy':
    "Usually the CRM's application pool or an antivirus holds it open: close whatever uses it and press Retry. No file is ever skipped silently.",
  'backup.files.disk-full': 'The disk of {{path}} filled up during the copy; the partial copy was removed.',
  'backup.files.disk-full.remedy': 'Free some space or choose another folder, then press Retry.',
  'backup.files.inside-source': 'The copy {{zip}} cannot be inside the folder it copies.',
  'backup.files.inside-source.remedy': 'Choose a destination folder outside the application.',
  'backup.files.verify-failed': 'The copy {{zip}} does not match: {{entry}} ({{problem}}).',
  'backup.files.verify-failed.remedy':
    'The copy cannot be trusted: press Retry on the folder copy to make it again.',
  'backup.files.manifest-missing': 'The file list beside {{zip}} is missing.',
  'backup.files.manifest-missing.remedy': 'Make the folder copy again.',
  'backup.files.manifest-invalid': 'The file list beside {{zip}} is not valid.',
  'backup.files.manifest-invalid.remedy': 'Make the folder copy again.',
  'backup.files.restore-mismatch': 'After the restore the folder {{path}} is not identical to the original.',
  'backup.files.restore-mismatch.remedy': "Don't start the CRM: contact support with the report and the log.",
  'backup.files.changed': 'The file {{path}} changed (or disappeared) during the copy.',
  'backup.files.changed.remedy':
    "Something still writes into the folder: stop the CRM's application pool (and whatever else uses it), then press Retry.",
  'backup.files.restore-failed': 'The restore of {{path}} stopped at {{entry}}.',
  'backup.files.restore-failed.remedy':
    'The folder is only partly restored: fix the cause given in the log (space, permissions, a file in use) and run the restore again.',
  'backup.verify.no-backup': 'There is no copy to verify.',
  'backup.verify.no-backup.remedy': 'Make the copy first (or skip it with a reason).',
  'backup.db.done': 'Backup of {{database}} written to {{path}}.',
  'backup.db.failed': 'The backup of database {{database}} failed.',
  'backup.db.failed.remedy': 'Read the log for the detail, fix it and press Retry.',

  'sql.connect-failed': 'Cannot connect to SQL Server {{server}} for connection {{connection}}.',
  'sql.connect-failed.remedy': 'Check that the SQL Server service is running and reachable from this server.',
  'sql.database-missing': 'Database {{database}} does not exist on the instance.',
  'sql.database-missing.remedy': "Check the connection in the CRM's web.config.",
  'sql.verify-failed': 'The backup of {{database}} ({{path}}) fails verification.',
  'sql.verify-failed.remedy': 'Make the database backup again with Retry.',

  'upgrade.setup.started': 'Starting {{program}} with install path {{path}}.',
  'upgrade.setup.already-installed':
    'Not run again: {{path}} was already at version {{version}} when checked, and still is (an upgrade left half-done).',
  'upgrade.setup.output': 'setup: {{line}}',
  'upgrade.setup.failed.finding': 'The setup ended with exit code {{code}}. {{output}}',
  'upgrade.setup.in-use.finding':
    'The setup cannot replace the files: they are in use (exit code {{code}}). {{output}}',
  'upgrade.setup.failed.remedy':
    'The CRM stays stopped and in maintenance. You can roll back from the verified backup, or fix the cause and press Retry.',
  'upgrade.setup.timeout.finding': 'The setup did not finish within {{seconds}} seconds and was stopped.',
  'upgrade.mobile-setup.missing.finding': 'The kit holds no MOBILE setup, or the MOBILE site was not found.',
  'upgrade.mobile-setup.missing.remedy': "Get the vendor's complete kit.",
  'upgrade.check-version.finding': 'Version {{expected}} expected, {{found}} installed.',
  'upgrade.check-version.remedy':
    'The setup did not update the files: roll back from the copy or press Retry on the setup.',

  'after.db-update.instructions.first':
    'Open the CRM in a browser on the first connection ({{connection}}) and log in as user "ADMIN". Press "Aggiorna Database" and wait for "Aggiornamento terminato correttamente", then press "Prosegui >". Then press Confirm here.',
  'after.db-update.instructions.next':
    'In the CRM, "Logout", log in as "ADMIN" on connection {{connection}}, press "Aggiorna Database", wait for "Aggiornamento terminato correttamente" and press "Prosegui >". Then press Confirm here.',
  'after.db-update.waiting': 'Database {{database}} still reports version {{found}}. The CRM is at {{url}}',
  'after.db-update.not-yet': 'Database {{database}} still reports {{version}}, {{expected}} expected.',
  'after.db-update.not-yet.remedy':
    'Log in as "ADMIN" on connection {{connection}} and press "Aggiorna Database"; wait for "Aggiornamento terminato correttamente".',
  'after.db-update.done': 'Database {{database}} reports version {{version}}.',
  'after.add-functions.instructions':
    'Optional: in "Amministrazione | Gestione Utenti" open the ADMIN user\'s card and press "Aggiungi Tutte le funzioni" to enable the new menu items. Remember to apply your security model to the new functions (NOTA BENE 1).',
  'after.crm-answers.finding':
    'The CRM at {{url}} answers {{status}} with version "{{version}}" ({{expected}} expected).',
  'after.crm-answers.remedy':
    'Check that the site and the application pool are started in IIS, then press Retry.',

  'report.written': 'Report written to {{path}}.',

  'engine.busy': 'Something is already under way: wait for it to finish.',
  'engine.not-now': 'Not possible now (state: {{state}}).',
  'engine.unknown-step': 'Unknown step: {{id}}.',
  'engine.retry-not-failed': 'Only a failed step can be retried.',
  'engine.skip-not-allowed': 'This step cannot be skipped: change the server or roll back.',
  'engine.confirm-not-waiting': 'This step is not waiting for a confirmation.',
  'engine.rollback-not-available':
    'There is nothing to roll back now: no step has changed the server yet, or a step is under way.',
  'engine.skipped': 'Step {{step}} skipped. Reason: {{reason}}',
  'engine.step-failed': 'Step {{step}} failed.',
  'engine.step-crashed': 'Unexpected error during the step.',
  'engine.step-crashed.remedy': 'Read the log for the technical detail; press Retry or roll back.',
  'engine.unexpected': 'Unexpected error in the upgrade engine.',
  'engine.gate.closed': 'Cannot upgrade: steps not completed ({{steps}}).',
  'engine.gate.unverified': 'Cannot upgrade: backups not verified ({{steps}}).',
  'engine.gate.remedy': 'Complete the checks and the backups, or skip them with a reason.',
  'engine.interrupted.finding': 'The program stopped during this step (shutdown, crash or power cut).',
  'engine.interrupted.remedy': 'Press Retry to run it again, or roll back from the backup.',
  'engine.resume-recheck': 'Before anything else, the checks are asked again: {{steps}}.',
  'engine.resumed': 'Continuing run {{runId}} from its journal on this server.',
  'engine.rollback-started':
    'Rollback started: every step that changed the server is put back, newest first.',
  'engine.rollback-begun': 'The rollback has begun: the only way on is to finish it with "Roll back".',
  'engine.intent-under-way':
    'Another command ({{intent}}) is under way: wait for it to finish and try again.',
  'engine.wait-not-available': 'This step cannot wait for users to log off.',
  'engine.not-waiting': 'Not waiting for users to log off.',
  'engine.waiting-for-users': 'Waiting for users to log off: stop waiting before doing anything else.',
  'engine.waiting-for-users.started':
    'Waiting for users to log off: the check runs again every {{seconds}} seconds.',
  'undo.crashed': 'Unexpected error while putting this step back: {{detail}}',
  'undo.unknown-step': 'Unknown step',
  'undo.files.restored':
    'Folder {{path}} put back from the backup {{zip}}; its tree hash equals the one taken before.',
  'undo.files.mismatch':
    'The folder {{path}} did not come back identical (different tree hash): do not use the CRM, and contact support with the report.',
  'undo.files.no-backup': 'No verified backup of the folder {{path}}: it was not put back.',
  'undo.files.backup-skipped':
    'The backup of the folder {{path}} was skipped (reason: {{reason}}): it was not put back.',
  'undo.db.restored': 'Database {{database}} restored from the backup {{path}}.',
  'undo.db.unchanged': 'Database {{database}} unchanged (version {{version}}): no restore needed.',
  'undo.db.mismatch':
    'After the restore the database {{database}} is at version {{version}} instead of {{expected}}.',
  'undo.db.no-backup': 'No verified backup of the database {{database}}: it cannot be restored.',
  'undo.db.backup-skipped':
    'The backup of the database {{database}} was skipped (reason: {{reason}}): it was not restored.',
  'undo.pools.started': 'Application pools started: {{pools}}.',
  'undo.pools.stopped': 'Application pools stopped: {{pools}}.',
  'undo.setup.no-site': 'No site to put back.',
  'engine.stopped-safely':
    'Run stopped at a safe point, as asked: its state is in the journal. To continue or roll back, start the program again with the same kit.',
  'cli.stopping':
    'Stopping when the step under way ends (a setup is never cut halfway). Press Ctrl-C again to exit now: the step will show as interrupted, to retry or roll back.',
  'cli.stopped':
    'Stopped. The state is saved in the journal on this server (a copy on the kit): to continue or roll back, run «crm-upgrade run» again with the same kit.',
  'cli.exit-now':
    'Exiting now. The step under way will show as interrupted: next time you can retry it or roll back.',
  'cli.unexpected':
    "Unexpected error: {{detail}}. The upgrade's state is in the journal on this server (a copy on the kit); run the command again or contact support with the report.",
  'engine.rolled-back': 'Rollback complete: the CRM is back as it was before the upgrade.',
  'engine.rollback-failed':
    'The rollback stopped: a step could not be put back. Read why, then press "Roll back" again to continue from there.',
  'journal.corrupt': 'The journal {{file}} is damaged at line {{line}}.',
  // issue 11: journal and lock
  'journal.disk-full':
    "The server's disk is full: the journal {{file}} cannot be written. The step was not carried out.",
  'journal.disk-full.remedy':
    "Free space on the server's disk (do not delete the backups or the CrmUpgradeManager folder), then press Retry.",
  'journal.kit-full':
    "The kit is full: the journal's copy {{file}} cannot be written, and the report on the kit would be incomplete. The step was not carried out.",
  'journal.kit-full.remedy':
    'Free space on the kit (or plug in a kit with more room at the same path), then press Retry.',
  'journal.write-failed': 'The journal {{file}} cannot be written ({{code}}). The step was not carried out.',
  'journal.write-failed.remedy':
    'Check that the disk or the kit is plugged in and writable and that the antivirus does not block the file, then press Retry.',
  'journal.damaged':
    'The journal {{file}} of run {{runId}} (state {{state}}) is damaged at line {{line}}: the run cannot continue, and no new run starts over it. Do not delete or edit the file. The backups recorded before the damage: {{backups}}. Contact support, who can restore the server from those backups.',
  'journal.kit-only':
    'The kit holds an unfinished run ({{runId}}, journal {{file}}) that this server does not know: it is not continued, because only the journal on the server is trusted. If this server was in the middle of an upgrade, stop and contact support.',
  'run.lock-unreadable':
    'The lock {{file}} cannot be read (empty or damaged, for example by a power cut while it was created). If no crm-upgrade program is running on this server (Task Manager), no run holds it: delete that file and start the program again.',
  'run.lock-unreadable.remedy':
    'If no crm-upgrade program is running on this server, delete the file {{file}}, then press Retry.',
  'run.lock-held':
    'Another copy of the program is running upgrade {{runId}} on this server: process {{pid}}, since {{since}}, kit {{kit}}. This copy changes nothing: use that one, or wait for it to end.',

  'kit.no-manifest': 'The folder {{dir}} holds no kit (kit.json is missing).',
  'kit.manifest-too-large': 'kit.json is too large (over {{max}} bytes): the kit is not valid.',
  'kit.no-signature': 'The kit is not signed (kit.sig is missing).',
  'kit.signature-malformed': "The kit's signature (kit.sig) cannot be read.",
  'kit.unknown-key': 'The kit is signed with an unknown key ({{keyId}}).',
  'kit.bad-signature': "The kit's signature does not match: kit.json was changed after signing.",
  'kit.manifest-invalid': 'kit.json is not valid (field {{field}}).',
  'kit.file-missing': 'The kit file {{path}} is missing.',
  'kit.file-size':
    'The file {{path}} has another size than the signed one ({{actual}} instead of {{expected}} bytes).',
  'kit.file-hash': 'The file {{path}} was altered (different SHA-256).',
  'kit.symlink': 'The kit holds a link ({{path}}): not allowed.',

  'crm.web-config.missing': '{{path}} is missing.',
  'crm.web-config.invalid': 'The file {{path}} is not valid XML.',
  'crm.web-config.encrypted':
    'The connectionStrings section of {{path}} is encrypted and cannot be decrypted here: on the Windows server it is decrypted in memory through PowerShell.',
  'iis.pool-unknown': 'The application pool {{pool}} does not exist.',
  'iis.pool-stop-timeout': 'The application pool {{pool}} did not stop within {{seconds}} seconds.',
  'profile.invalid': 'The profile {{source}} is not valid: field {{field}} ({{problem}}).',
  'profile.unreadable': 'The profile {{source}} cannot be read.',

  'version.invalid.shape': 'The version name "{{name}}" is not of the form 7.8.5.13100517_x64.',
  'version.invalid.version': 'In the name "{{name}}" the version (e.g. 7.8.5) is not valid.',
  'version.invalid.stamp': 'In the name "{{name}}" the build stamp YYMMDDHH is not a real date and hour.',
  'version.invalid.arch': 'In the name "{{name}}" the architecture must be x64 or x86.',

  'practice.only': 'Available on the practice server only.',
  'practice.not-a-practice-server':
    'The folder {{dir}} is not a practice server (make one with: crm-upgrade practice init DIR).',
  'practice.init.not-empty': 'The folder {{dir}} is not empty: choose a new folder for the practice server.',
  'practice.setup-not-practice': 'The practice server runs practice setups only, not {{program}}.',
  'practice.crm-not-answering':
    'The CRM does not answer (HTTP {{status}}): start it and remove the maintenance page.',
  'practice.connection-unknown': 'Unknown connection: {{connection}}.',
  'practice.logged-off': 'Practice server: {{count}} users logged off.',
  'practice.aggiorna-database-pressed': 'Practice server: "Aggiorna Database" pressed for {{connection}}.',

  // SQL Server (Windows host) and permission checks
  'step.check.sql-permissions.title': 'SQL Server rights for connection {{connection}}',
  'check.sql-permissions.backup.finding':
    'The user of connection {{connection}} cannot back up {{database}} (sysadmin, db_owner or db_backupoperator is needed).',
  'check.sql-permissions.backup.remedy':
    "Ask the DBA to grant db_backupoperator on {{database}} to the CRM's user, or back it up another way and skip the step with the reason.",
  'check.sql-permissions.verify.finding':
    'The user of connection {{connection}} lacks CREATE DATABASE, which verifying a backup (RESTORE VERIFYONLY) needs.',
  'check.sql-permissions.verify.remedy':
    'Ask the DBA for CREATE ANY DATABASE (or the dbcreator role) for the time of the upgrade.',
  'check.sql-permissions.view-state.finding':
    "Without VIEW SERVER STATE, connection {{connection}} cannot see other people's sessions: the count of connected users cannot be trusted.",
  'check.sql-permissions.view-state.remedy':
    'Ask the DBA for VIEW SERVER STATE, or check by hand with "Elenco Utenti Connessi".',
  'check.users.untrusted.finding':
    'Nobody is in the CRM, but the SQL sessions of {{connections}} cannot be seen (VIEW SERVER STATE is missing).',
  'check.users.untrusted.remedy':
    'Check by hand that nobody uses the database (for example with SQL Server Management Studio), then go on.',
  'check.disk.database-unknown':
    'The free space for the backup of {{connection}} cannot be measured (a network folder?): check it by hand.',
  'crm.web-config.config-source-outside':
    'configSource "{{path}}" points outside the application folder: it is not read.',
  'sql.connection-string-invalid': 'The connection string of {{connection}} is not valid.',
  'sql.connection-string-invalid.remedy': "Correct the connection in the CRM's web.config.",
  'sql.credentials-needed':
    'Connection {{connection}} uses Windows authentication: a SQL login or a domain user (NTLM) is needed.',
  'sql.credentials-needed.remedy':
    'Type a SQL login, or domain, user and password: they stay in memory only, never in the journal or the report.',
  'sql.database-name-invalid': 'The database name "{{database}}" is not valid.',
  'sql.database-name-invalid.remedy': "Check Initial Catalog in web.config's connection.",
  'sql.login-failed': 'SQL Server refused the login for connection {{connection}}: {{detail}}',
  'sql.login-failed.remedy':
    "Check the connection's user and password (or the credentials typed) and that the login is enabled.",
  'sql.backup-access-denied': 'SQL Server cannot write to {{path}} (error 5, access denied).',
  'sql.backup-access-denied.remedy':
    "The SQL Server service account (for example NT Service\\MSSQL$SQLEXPRESS), not you, needs rights on the folder: grant it write access, or use the instance's default backup folder.",
  'sql.error': 'SQL Server answered with error {{number}}: {{detail}}',
  'sql.error.remedy': 'Read the detail in the log; fix it and press Retry.',
  'sql.backup-stalled':
    'The backup of {{database}} has said nothing for {{minutes}} minutes: it is not cancelled; check the SQL server.',
  'sql.restore-state':
    'After the restore, database {{database}} is {{state}} / {{access}} instead of ONLINE / MULTI_USER.',
  'sql.restore-state.remedy': 'Check the database with SQL Server Management Studio before starting the CRM.',
  'sql.probe-failed': 'SQL Server cannot write to the chosen folder {{path}}.',
  'sql.probe-failed.remedy':
    'Grant write access to the SQL Server service account, or choose another folder.',

  // Server checks
  'step.check.iis.title': 'IIS installed and running (application server)',
  'check.iis.ok': 'IIS {{version}} running.',
  'check.iis.missing.finding':
    'IIS is not installed on this server: it looks like the database server, not the application server.',
  'check.iis.missing.remedy':
    'Run the program on the application server that hosts the CRM (procedure, step 2).',
  'check.iis.stopped.finding': "IIS's web service (W3SVC) is stopped.",
  'check.iis.stopped.remedy': 'Start the "World Wide Web Publishing Service" (W3SVC) and press Retry.',
  'step.check.reboot.title': 'No server restart pending',
  'check.reboot.finding': 'Windows is waiting for a restart ({{reasons}}).',
  'check.reboot.remedy':
    'A setup can fail while a restart is pending: if you can, restart the server before upgrading.',
  'step.check.mobile.title': 'MOBILE server part',
  'check.mobile.absent': 'MOBILE is not installed: its setup stays out of the plan.',
  'check.mobile.present': 'MOBILE installed at {{path}}: its setup is in the plan.',
  'check.mobile.no-setup.finding': 'MOBILE is installed at {{path}} but the kit holds no setup for it.',
  'check.mobile.no-setup.remedy': "Get the vendor's complete kit, or upgrade MOBILE separately.",
  'step.check.exclusive.title': 'No other upgrade under way on this server',
  'check.exclusive.finding':
    'Another upgrade ({{runId}}, process {{pid}}) has been under way on this server since {{since}}.',
  'check.exclusive.remedy': 'Close the other copy of the program and wait for it to end, then press Retry.',
  'sql.connection-note': 'Connection {{connection}}: {{note}}.',
  'check.licence.admin':
    'The profile does not say where the licence is read: the administrator reads it in the CRM.',
  'check.licence.admin.instructions':
    'In the CRM open "Informazioni su" → "Informazioni di Licenza" and check that "Moduli:" includes module "0" (active support contract). If it does, press Confirm.',
  'check.licence.admin.confirmed': 'The administrator checked module "0" under "Informazioni su".',
  'practice.query-unsupported':
    'The practice server runs no SQL queries: its profile reads the version and licence from files.',
  'sql.connection-lost':
    'The SQL server closed connection {{connection}} during the operation: the backup was not recorded.',
  'sql.connection-lost.remedy':
    'Check the SQL Server service and the network, then press Retry: the copy starts over.',
  'sql.credentials-not-needed': 'On this server the connections ask for no credentials.',
  'sql.credentials-received': 'Credentials received for {{connection}} ({{user}}): kept in memory only.',

  // Windows host: PowerShell, appcmd, iisreset, setups
  'windows.not-windows': 'This is not a Windows server ({{platform}}).',
  'windows.not-windows.remedy':
    'Run the program on the Windows application server, or rehearse on the practice server.',
  'windows.arch-unknown': 'Windows does not state its architecture (PROCESSOR_ARCHITECTURE = {{arch}}).',
  'windows.powershell.started': 'PowerShell started.',
  'windows.powershell.restarted': 'PowerShell restarted after an error or a timeout.',
  'windows.powershell.warning': 'PowerShell warning ({{script}}).',
  'windows.powershell.unavailable': 'Windows PowerShell does not start.',
  'windows.powershell.unavailable.remedy':
    'Check that Windows PowerShell 5.1 is present and that no group policy blocks its scripts; the detail is in the log.',
  'windows.powershell.timeout': 'The script {{script}} did not answer within {{seconds}} seconds.',
  'windows.powershell.timeout.remedy': 'The server may be overloaded: wait a few minutes and press Retry.',
  'windows.powershell.ended': 'PowerShell closed during the script {{script}}.',
  'windows.powershell.ended.remedy':
    'Press Retry: PowerShell is restarted. If it happens again, read the detail in the log.',
  'windows.powershell.script-failed': 'The script {{script}} failed: {{error}}',
  'windows.powershell.script-failed.remedy': 'Read the detail in the log, fix the cause and press Retry.',
  'windows.powershell.bad-output': 'The script {{script}} answered in an unexpected way.',
  'windows.powershell.bad-output.remedy': 'The detail is in the log: send it to the vendor with the report.',
  'windows.powershell.script-missing': 'The script {{script}} is missing from {{dir}}.',
  'windows.powershell.script-missing.remedy': "The program is incomplete: copy the vendor's kit again.",
  'windows.setup-start-failed': 'The setup {{program}} does not start.',
  'windows.setup-start-failed.remedy':
    'Check that the file exists, that the antivirus does not block it and that the program runs as administrator.',
  'iis.command-failed': 'The IIS command "{{command}}" failed.',
  'iis.command-failed.remedy':
    'Check that IIS is installed and that the program runs as administrator; the detail is in the log.',
  'iis.command-warning': 'Warning from the IIS command "{{command}}".',
  'iis.pool-state-unknown': 'The state of the application pool {{pool}} cannot be read ({{state}}).',
  'iis.pool-state-unknown.remedy':
    'Start the Windows Process Activation Service (WAS) and the Web service (W3SVC), then press Retry.',
  'iis.iisreset-failed': 'iisreset ended with code {{code}}.',
  'iis.iisreset-failed.remedy': 'Check the IIS services with "iisreset /status" and press Retry.',
  'iis.path-unexpanded': "The site's path holds a variable that does not resolve: {{path}}.",
  'iis.no-http-binding': 'In IIS the site {{site}} has no http or https address.',
  'iis.no-http-binding.remedy': "Write the CRM's address in the profile (url).",
  'iis.request-failed': 'The CRM does not answer at {{url}}.',
  'iis.request-failed.remedy':
    'Check that the site and its application pool are started and that the address is right, then press Retry.',
  'after.crm-answers.no-version': 'The CRM at {{url}} answers, but the page does not tell its version.',
  'after.crm-answers.no-version.remedy':
    'Open "Informazioni su" in the CRM and check that the version is {{expected}}.',
  'session.choose-folder-unavailable': 'A folder cannot be chosen here.',
  'session.install-path-corrected': "The CRM's path was corrected by the administrator: {{path}}.",
  'check.installation.marker-missing.finding':
    '{{marker}} is missing in {{path}}: the folder does not look like the CRM.',
  'check.installation.marker-missing.remedy':
    'Check the path under "Informazioni su" → "Info Server" → [Path:] and correct it.',
  'sql.no-version-query': "The profile does not say how to read the database's version.",
  'after.db-update.unchecked':
    'Confirmed by the administrator; the version of {{database}} could not be read (the profile names no query).',
  'after.db-update.unchecked.remedy': 'Ask the vendor for the database version query for the profile.',
};
