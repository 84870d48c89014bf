import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Language } from '../../shared/i18n';
import type { Session, Step } from '../../shared/plan';
import { translator } from '../i18n';
import type { Message } from '../../shared/message';
import type { Artifact, UndoRecord } from '../run/journal';
import type { FarmStatus } from '../../shared/farm';
import { renderFarmSection } from './farm-report';

/** The rollback: every undo with its step's title, how it ended and its proof. */
export interface ReportRollback {
  startedAt: string;
  finishedAt: string;
  undos: (UndoRecord & { title: Message })[];
}

export interface ReportInput {
  session: Session;
  outcome: 'upgraded' | 'rolled-back' | 'failed';
  fromVersion: string | null;
  toVersion: string;
  kitKey: { id: string; kind: string } | null;
  artifacts: readonly Artifact[];
  rollback?: ReportRollback | undefined;
  startedAt: string;
  finishedAt: string;
  /** The farm as this server saw it when the report was written (issue 15). */
  farm?: FarmStatus | undefined;
}

/**
 * Each folder and database the run backed up, with its proof: the backup (verified or not) and,
 * after a rollback, what the disk and SQL Server say now against what the backup recorded.
 */
export interface ReportProof {
  kind: 'folder' | 'database';
  /** The folder's path, or the database's name. */
  name: string;
  backup: string;
  verified: boolean;
  /** The tree hash taken before the upgrade, or the database's version in its backup. */
  before: string;
  /** After the rollback: the tree hash or version found, and whether it equals `before`. */
  rolledBack: { status: UndoRecord['status']; found: string; matches: boolean } | null;
}

export function reportProofs(
  artifacts: readonly Artifact[],
  undos: readonly UndoRecord[] = [],
): ReportProof[] {
  return artifacts.map((a): ReportProof => {
    if (a.kind === 'files-backup') {
      // A setup's undo proves its site's folder plainly, its other folders under their role.
      const at = a.folder?.startsWith('touched:') ? `${a.folder}.` : '';
      const u = undos.find(
        (x) =>
          x.evidence?.[`${at}path`] === a.source && typeof x.evidence[`${at}treeHashMatches`] === 'boolean',
      );
      return {
        kind: 'folder',
        name: a.source,
        backup: a.zipPath,
        verified: a.verified,
        before: a.treeHash,
        rolledBack: u
          ? {
              status: u.status,
              found: String(u.evidence?.[`${at}treeHash`] ?? ''),
              matches: u.evidence?.[`${at}treeHashMatches`] === true,
            }
          : null,
      };
    }
    // An undo that found the database unchanged restored nothing: the proof says "not changed".
    const u = undos.find(
      (x) =>
        x.evidence?.database === a.database &&
        x.evidence.version !== undefined &&
        x.finding?.key !== 'undo.db.unchanged',
    );
    const found = String(u?.evidence?.version ?? '');
    return {
      kind: 'database',
      name: a.database,
      backup: a.path,
      verified: a.verified,
      before: a.schemaVersion,
      rolledBack: u ? { status: u.status, found, matches: found === a.schemaVersion } : null,
    };
  });
}

/** A setup's own log: where it is on the server, and its copy beside the report on the kit. */
export interface ReportSetupLog {
  step: Step['id'];
  path: string;
  copy: string | null;
}

/** The logs the run's setups wrote (msiexec /l*v, or where the kit told an .exe to write it). */
export function reportSetupLogs(steps: readonly Step[]): ReportSetupLog[] {
  return steps.flatMap((s) => {
    const log = s.evidence.setupLog;
    if (typeof log !== 'string') return [];
    const copy = s.evidence.setupLogCopy;
    return [{ step: s.id, path: log, copy: typeof copy === 'string' ? copy : null }];
  });
}

/** Every restored folder's tree hash equals the one taken before the upgrade (null: no folder restored). */
export function restoredAsBefore(proofs: readonly ReportProof[]): boolean | null {
  const restored = proofs.filter((p) => p.kind === 'folder' && p.rolledBack !== null);
  return restored.length === 0 ? null : restored.every((p) => p.rolledBack?.matches === true);
}

const escapeHtml = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );

function stepJson(step: Step) {
  const it = translator('it');
  const en = translator('en');
  return {
    ...step,
    titleText: { it: it(step.title), en: en(step.title) },
    findingText: step.finding ? { it: it(step.finding), en: en(step.finding) } : undefined,
    remedyText: step.remedy ? { it: it(step.remedy), en: en(step.remedy) } : undefined,
  };
}

const LABELS = {
  it: {
    title: 'Rapporto di aggiornamento CRM',
    outcome: { upgraded: 'Aggiornato', 'rolled-back': 'Ripristinato (rollback)', failed: 'Non completato' },
    server: 'Server',
    versions: 'Versioni',
    kitKey: 'Firma del kit',
    duration: 'Durata',
    step: 'Passo',
    status: 'Esito',
    time: 'Tempo',
    details: 'Dettagli',
    backups: 'Copie di sicurezza',
    proofs: 'Cartelle e database',
    setupLogs: 'Log dei setup',
    logCopy: 'copia sul kit',
    proof: {
      folder: 'cartella',
      database: 'database',
      verified: 'copia verificata',
      unverified: 'copia non verificata',
      treeHash: 'tree hash prima',
      version: 'versione nella copia',
      matched: 'ripristinato: identico a prima',
      mismatch: 'ripristinato: DIVERSO da prima',
      found: 'trovato',
      untouched: 'non toccato dal run: nessun ripristino necessario',
    },
    rollback: 'Ripristino',
    undo_: { running: 'interrotto', done: 'rimesso com’era', warning: 'avviso', failed: 'fallito' },
    skipped: 'Saltato, motivo',
    status_: {
      pending: 'da fare',
      running: 'in corso',
      passed: 'superato',
      warning: 'avviso',
      failed: 'fallito',
      skipped: 'saltato',
      waiting: 'in attesa',
    },
  },
  en: {
    title: 'CRM upgrade report',
    outcome: { upgraded: 'Upgraded', 'rolled-back': 'Rolled back', failed: 'Not completed' },
    server: 'Server',
    versions: 'Versions',
    kitKey: 'Kit signature',
    duration: 'Duration',
    step: 'Step',
    status: 'Result',
    time: 'Time',
    details: 'Details',
    backups: 'Backups',
    proofs: 'Folders and databases',
    setupLogs: 'Setup logs',
    logCopy: 'copy on the kit',
    proof: {
      folder: 'folder',
      database: 'database',
      verified: 'copy verified',
      unverified: 'copy not verified',
      treeHash: 'tree hash before',
      version: 'version in the copy',
      matched: 'restored: same as before',
      mismatch: 'restored: DIFFERENT from before',
      found: 'found',
      untouched: 'not changed by the run: nothing to restore',
    },
    rollback: 'Rollback',
    undo_: { running: 'cut short', done: 'put back', warning: 'warning', failed: 'failed' },
    skipped: 'Skipped, reason',
    status_: {
      pending: 'pending',
      running: 'running',
      passed: 'passed',
      warning: 'warning',
      failed: 'failed',
      skipped: 'skipped',
      waiting: 'waiting',
    },
  },
} as const;

export function renderReportHtml(input: ReportInput, lang: Language): string {
  const t = translator(lang);
  const L = LABELS[lang];
  const rows = input.session.steps
    .map((s) => {
      const details = [
        s.finding ? t(s.finding) : '',
        s.remedy && (s.status === 'failed' || s.status === 'warning') ? t(s.remedy) : '',
        s.skipReason ? `${L.skipped}: ${s.skipReason}` : '',
        Object.entries(s.evidence)
          .map(([k, v]) => `${k}: ${String(v)}`)
          .join(' · '),
      ]
        .filter(Boolean)
        .map((d) => `<div>${escapeHtml(d)}</div>`)
        .join('');
      return `<tr class="${s.status}"><td>${escapeHtml(t(s.title))}</td><td>${L.status_[s.status]}</td><td>${s.durationMs !== undefined ? `${(s.durationMs / 1000).toFixed(1)} s` : ''}</td><td>${details}</td></tr>`;
    })
    .join('\n');
  const backups = input.artifacts
    .map((a) =>
      a.kind === 'files-backup'
        ? `<li>${escapeHtml(a.zipPath)} — ${a.bytes} B, SHA-256 ${a.sha256}${a.verified ? ' ✔' : ''}</li>`
        : `<li>${escapeHtml(a.database)}: ${escapeHtml(a.path)} — ${a.bytes} B, SHA-256 ${a.sha256}${a.verified ? ' ✔' : ''}</li>`,
    )
    .join('');
  const proofs = reportProofs(input.artifacts, input.rollback?.undos)
    .map((p) => {
      const P = L.proof;
      const before = `${p.kind === 'folder' ? P.treeHash : P.version} ${p.before}`;
      const after = p.rolledBack
        ? ` — <b class="${p.rolledBack.matches ? 'passed' : 'failed'}">${p.rolledBack.matches ? P.matched : P.mismatch}</b> (${P.found} ${escapeHtml(p.rolledBack.found)})`
        : input.rollback
          ? ` — ${P.untouched}`
          : '';
      return `<li>${P[p.kind]} <b>${escapeHtml(p.name)}</b>: ${p.verified ? P.verified : P.unverified} ${escapeHtml(p.backup)}; ${escapeHtml(before)}${after}</li>`;
    })
    .join('');
  const setupLogs = reportSetupLogs(input.session.steps)
    .map((l) => {
      const title = input.session.steps.find((s) => s.id === l.step)?.title;
      const copy = l.copy ? ` (${L.logCopy}: ${escapeHtml(l.copy)})` : '';
      return `<li>${escapeHtml(title ? t(title) : l.step)}: ${escapeHtml(l.path)}${copy}</li>`;
    })
    .join('');
  const rollback = input.rollback
    ? `<h2>${L.rollback}</h2><ul>${input.rollback.undos
        .map(
          (u) =>
            `<li class="${u.status}">${escapeHtml(t(u.title))} — ${L.undo_[u.status]}${u.finding ? `: ${escapeHtml(t(u.finding))}` : ''}</li>`,
        )
        .join('')}</ul>`
    : '';
  const durationS = ((Date.parse(input.finishedAt) - Date.parse(input.startedAt)) / 1000).toFixed(0);
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${L.title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>
body{font-family:Segoe UI,Arial,sans-serif;margin:2em;color:#1d2733}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #d5dbe3;padding:.4em;text-align:left;vertical-align:top}
tr.passed td:nth-child(2){color:#1b7a3a}tr.failed td:nth-child(2){color:#b3261e;font-weight:bold}
tr.warning td:nth-child(2),tr.skipped td:nth-child(2){color:#8a5a00}
.outcome{font-size:1.3em;font-weight:bold}b.passed{color:#1b7a3a}b.failed{color:#b3261e}td div{margin:.1em 0}
</style></head><body>
<h1>${L.title}</h1>
<p class="outcome">${L.outcome[input.outcome]}</p>
<p>${L.server}: <b>${escapeHtml(input.session.server.hostname)}</b> (${input.session.mode})<br>
${L.versions}: <b>${escapeHtml(input.fromVersion ?? '?')} → ${escapeHtml(input.toVersion)}</b><br>
${L.kitKey}: ${escapeHtml(input.kitKey ? `${input.kitKey.kind} ${input.kitKey.id}` : '-')}<br>
${L.duration}: ${durationS} s (${escapeHtml(input.startedAt)} → ${escapeHtml(input.finishedAt)})</p>
<table><thead><tr><th>${L.step}</th><th>${L.status}</th><th>${L.time}</th><th>${L.details}</th></tr></thead><tbody>
${rows}
</tbody></table>
<h2>${L.backups}</h2><ul>${backups}</ul>
<h2>${L.proofs}</h2><ul class="proofs">${proofs}</ul>
${setupLogs ? `<h2>${L.setupLogs}</h2><ul class="setup-logs">${setupLogs}</ul>` : ''}
${rollback}
${input.farm ? renderFarmSection(input.farm, lang) : ''}
</body></html>
`;
}

/** The report on the kit: JSON for the vendor's support, HTML in Italian and English for the admin's records. */
export async function writeReport(
  runDir: string,
  input: ReportInput,
): Promise<{ jsonPath: string; htmlPath: string }> {
  await mkdir(runDir, { recursive: true });
  const jsonPath = path.join(runDir, 'report.json');
  const htmlPath = path.join(runDir, 'report.html');
  const proofs = reportProofs(input.artifacts, input.rollback?.undos);
  const json = {
    format: 1,
    outcome: input.outcome,
    runId: input.session.run.id,
    server: input.session.server,
    mode: input.session.mode,
    fromVersion: input.fromVersion,
    toVersion: input.toVersion,
    kitKey: input.kitKey,
    startedAt: input.startedAt,
    finishedAt: input.finishedAt,
    steps: input.session.steps.map(stepJson),
    backups: input.artifacts,
    proofs,
    setupLogs: reportSetupLogs(input.session.steps),
    rollback: input.rollback
      ? {
          ...input.rollback,
          // From the proofs: each folder, its own or another a setup changes, by its restore's evidence.
          treeHashMatches: restoredAsBefore(proofs),
          undos: input.rollback.undos.map((u) => ({
            ...u,
            titleText: { it: translator('it')(u.title), en: translator('en')(u.title) },
            findingText: u.finding
              ? { it: translator('it')(u.finding), en: translator('en')(u.finding) }
              : undefined,
          })),
        }
      : null,
    farm: input.farm ?? null,
  };
  await writeFile(jsonPath, `${JSON.stringify(json, null, 1)}\n`);
  await writeFile(htmlPath, renderReportHtml(input, 'it'));
  await writeFile(path.join(runDir, 'report.en.html'), renderReportHtml(input, 'en'));
  return { jsonPath, htmlPath };
}
