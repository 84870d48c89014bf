import type { UiKey } from './ui.it';

/** The renderer's own words (namespace 'ui'), English: exactly the keys of ui.it.ts. */
export const uiEn: Record<UiKey, string> = {
  'ui.app.name': 'CRM Upgrade Manager',
  'ui.app.subtitle': 'Guided CRM upgrade',
  'ui.app.loading': 'Loading the session…',
  'ui.app.planLabel': 'Upgrade plan',

  'ui.lang.toggle': 'Language: English. Switch to Italian',

  'ui.header.server': 'Server',
  'ui.header.installed': 'Installed version',
  'ui.header.installedUnknown': 'not found',
  'ui.header.installPath': 'Path',
  'ui.header.kit': 'Kit version',
  'ui.header.practiceBadge': 'Practice server',
  'ui.header.practiceBadgeHint': 'You are working on a practice server: no real server is changed.',
  'ui.header.practiceKey':
    'The kit is signed with the practice key: it is accepted in practice mode only, never on a real server.',

  'ui.phase.checks': 'Checks',
  'ui.phase.backup': 'Backup',
  'ui.phase.upgrade': 'Upgrade',
  'ui.phase.after': 'After the upgrade',
  'ui.phase.report': 'Report',
  'ui.phase.count': '{{done}} of {{total}} done',

  'ui.status.pending': 'To do',
  'ui.status.running': 'Running',
  'ui.status.passed': 'Passed',
  'ui.status.warning': 'Warning',
  'ui.status.failed': 'Failed',
  'ui.status.skipped': 'Skipped',
  'ui.status.waiting': 'Waiting for you',

  'ui.kind.check': 'Check',
  'ui.kind.action': 'Action',
  'ui.kind.manual': 'Manual',
  'ui.notes.none': 'The kit holds no release notes for these versions.',
  'ui.notes.otherLanguage': 'in Italian only',
  'ui.credentials.legend': 'SQL credentials for connection {{connection}}',
  'ui.credentials.sql': 'SQL login',
  'ui.credentials.ntlm': 'Domain user (NTLM)',
  'ui.credentials.domain': 'Domain',
  'ui.credentials.user': 'User',
  'ui.credentials.password': 'Password',
  'ui.credentials.invalid': 'Fill in every field (no control characters).',
  'ui.credentials.memoryOnly':
    'They stay in memory only while the program is open: never in the journal, the log or the report.',
  'ui.credentials.submit': 'Use these credentials and retry',
  'ui.users.wait': 'Wait for them to leave (checks again every {{seconds}} s)',
  'ui.users.stopWaiting': 'Stop waiting',
  'ui.users.lastChecked': 'last checked at {{time}}',
  'ui.header.correctPath': 'Correct…',
  'ui.header.lockoutHint':
    'From other PCs the CRM shows the maintenance page; on this server it answers. Users come back after "Aggiorna Database" on every connection.',
  'ui.step.blocking': 'blocking',
  'ui.step.optional': 'optional',
  'ui.step.finding': 'Finding',
  'ui.step.remedy': 'What to do',
  'ui.step.instructions': 'Instructions',
  'ui.step.evidence': 'Evidence',
  'ui.step.skipReason': 'Skipped with reason',
  'ui.step.duration': 'Took {{time}}',

  'ui.bool.true': 'yes',
  'ui.bool.false': 'no',

  'ui.progress.label': 'Progress',
  'ui.progress.bytes': '{{done}} of {{total}}',
  'ui.progress.items': '{{done}} of {{total}} items',
  'ui.progress.elapsed': '{{time}} elapsed',
  'ui.progress.eta': 'About {{time}} left',

  'ui.action.start': 'Start upgrade',
  'ui.action.continue': 'Continue',
  'ui.action.retry': 'Retry',
  'ui.action.skip': 'Skip with reason…',
  'ui.action.confirm': 'I confirm',
  'ui.action.rollback': 'Roll back',
  'ui.action.working': 'Please wait…',

  'ui.skip.label': 'Reason (kept in the log and the report)',
  'ui.skip.placeholder': 'For example: nightly automatic backup already verified at 02:00',
  'ui.skip.submit': 'Skip the step',
  'ui.skip.cancel': 'Cancel',
  'ui.skip.tooShort': 'Write a reason of at least 5 characters.',
  'ui.skip.tooLong': 'The reason may be at most 500 characters long.',
  'ui.skip.badChars': 'The reason contains characters that are not allowed.',

  'ui.rollback.title': 'Restore the server from the backup?',
  'ui.rollback.body':
    'The application and the databases go back to the state saved by this run’s backup. Users must stay logged off until the restore has finished.',
  'ui.rollback.confirm': 'Yes, roll back',
  'ui.rollback.cancel': 'Cancel',

  'ui.practice.logOffUsers': 'Log the users off (practice server)',
  'ui.practice.pressAggiornaDatabase': 'Press «Aggiorna Database» (practice server)',
  'ui.practice.simulates':
    'Simulation: does on the practice server what, on a real server, you would do in the CRM’s web UI.',

  'ui.run.ready.title': 'Ready to start',
  'ui.run.ready.body':
    'Nothing has been changed on the server yet. Checks first, then a verified backup: no change happens without one.',
  'ui.run.resumed.body': 'This run had been interrupted: it resumes where it stopped.',
  'ui.run.running.title': 'Upgrade in progress',
  'ui.run.running.body': 'Current step: {{step}}',
  'ui.run.running.idle': 'The engine is working through the plan.',
  'ui.run.waiting.title': 'Your turn',
  'ui.run.waiting.body': 'To do now: {{step}}',
  'ui.run.paused.title': 'Paused: a step failed',
  'ui.run.paused.body':
    'Failed step: {{step}}. You can retry it, skip it with a reason (where allowed) or roll back the server.',
  'ui.run.paused.resumedTitle': 'Paused',
  'ui.run.paused.resumed': 'The run was interrupted and resumed: press “Continue” to go on.',
  'ui.run.gotoStep': 'Go to the step',
  'ui.run.finished.title': 'Upgrade finished',
  'ui.run.finished.body': 'Every step has been completed.',
  'ui.run.rolling-back.title': 'Rolling back',
  'ui.run.rolling-back.body': 'The server is going back to the backup’s state. Do not close the application.',
  'ui.run.rolled-back.title': 'Rolled back',
  'ui.run.rolled-back.body': 'The server is back to its state before the upgrade.',

  'ui.report.title': 'Report',
  'ui.report.outcome.upgraded': 'Server upgraded',
  'ui.report.outcome.rolled-back': 'Server restored from the backup',
  'ui.report.outcome.failed': 'Upgrade failed',
  'ui.report.json': 'JSON report',
  'ui.report.html': 'HTML report',

  'ui.log.title': 'Log',
  'ui.log.show': 'Show the log ({{count}})',
  'ui.log.hide': 'Hide the log',
  'ui.log.empty': 'No entries.',
  'ui.log.level.info': 'info',
  'ui.log.level.warn': 'warning',
  'ui.log.level.error': 'error',

  'ui.error.title': 'The operation did not succeed',
  'ui.error.dismiss': 'Close',
  'ui.error.call': 'The engine did not answer the request: {{detail}}',
  'ui.error.session': 'Could not read the upgrade’s state: {{detail}}',

  'ui.bridge.missingTitle': 'The link to the upgrade engine is missing',
  'ui.bridge.missingBody':
    'Open this page from the CRM Upgrade Manager application: opened like this, it can neither read nor change the server.',
};
