import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FarmStatus } from '../../shared/farm';
import type { Language } from '../../shared/i18n';
import { translator } from '../i18n';
import { KIT_REPORTS } from '../kit/kit-manifest';

const LABELS = {
  it: {
    title: 'Farm: server e database',
    heading: 'Farm',
    server: 'Server',
    code: 'Versione del codice',
    lockout: 'Utenti',
    pools: 'Application pool',
    run: 'Esecuzione',
    step: 'A che punto è',
    connection: 'Connessione',
    database: 'Database',
    version: 'Versione',
    backedUp: 'Copia fatta da',
    updated: '"Aggiorna Database" da',
    restored: 'Ripristinato da',
    next: 'Prossimo passo',
    complete: 'Farm completata',
    rollback: 'Ripristino della farm in corso',
    mustRollBack: 'da ripristinare',
    thisServer: 'questo server',
    problems: 'Problemi',
    at: 'Situazione al',
    lockout_: { on: 'bloccati', off: 'ammessi', unknown: '?' },
    pools_: { started: 'avviati', stopped: 'fermi', unknown: '?' },
  },
  en: {
    title: 'Farm: servers and databases',
    heading: 'Farm',
    server: 'Server',
    code: 'Code version',
    lockout: 'Users',
    pools: 'Application pools',
    run: 'Run',
    step: 'Where it stands',
    connection: 'Connection',
    database: 'Database',
    version: 'Version',
    backedUp: 'Backed up by',
    updated: '"Aggiorna Database" by',
    restored: 'Restored by',
    next: 'Next step',
    complete: 'Farm complete',
    rollback: 'Farm rollback under way',
    mustRollBack: 'to roll back',
    thisServer: 'this server',
    problems: 'Problems',
    at: 'As of',
    lockout_: { on: 'locked out', off: 'admitted', unknown: '?' },
    pools_: { started: 'started', stopped: 'stopped', unknown: '?' },
  },
} as const;

const esc = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The farm's section of a report: servers × code and lockout, connections × version, the next step. */
export function renderFarmSection(farm: FarmStatus, lang: Language): string {
  const t = translator(lang);
  const L = LABELS[lang];
  const servers = farm.servers
    .map((s) => {
      const marks = [s.isThis ? L.thisServer : '', s.mustRollBack ? L.mustRollBack : ''].filter(Boolean);
      const step = s.step
        ? `${s.step.id} (${t({ key: s.step.waitsOnFarm ? 'status.waiting-farm' : `status.${s.step.status}` })})`
        : '';
      return `<tr><th scope="row">${esc(s.hostname)}${marks.length ? ` <small>(${marks.join(', ')})</small>` : ''}</th><td>${esc(s.codeVersion ?? '?')}</td><td>${L.lockout_[s.lockout]}</td><td>${L.pools_[s.pools]}</td><td>${esc(t({ key: `farm.run-state.${s.runState ?? 'none'}` }))}</td><td>${esc(step)}</td></tr>`;
    })
    .join('\n');
  const connections = farm.connections
    .map(
      (c) =>
        `<tr><th scope="row">${esc(c.connection)}</th><td>${esc(c.database)}</td><td>${esc(c.version ?? '?')}</td><td>${esc(c.backedUpBy ?? '-')}</td><td>${esc(c.updatedBy ?? '-')}</td><td>${esc(c.restoredBy ?? '-')}</td></tr>`,
    )
    .join('\n');
  const state = farm.complete ? L.complete : farm.rollback ? L.rollback : '';
  const problems = farm.problems.length
    ? `<h3>${L.problems}</h3><ul>${farm.problems.map((p) => `<li>${esc(t(p))}</li>`).join('')}</ul>`
    : '';
  return `<section class="farm"><h2>${L.heading}</h2>
${state ? `<p class="outcome">${state}</p>` : ''}
<p><b>${L.next}:</b> ${esc(t(farm.next.message))}</p>
<table><thead><tr><th scope="col">${L.server}</th><th scope="col">${L.code}</th><th scope="col">${L.lockout}</th><th scope="col">${L.pools}</th><th scope="col">${L.run}</th><th scope="col">${L.step}</th></tr></thead><tbody>
${servers}
</tbody></table>
<table><thead><tr><th scope="col">${L.connection}</th><th scope="col">${L.database}</th><th scope="col">${L.version}</th><th scope="col">${L.backedUp}</th><th scope="col">${L.updated}</th><th scope="col">${L.restored}</th></tr></thead><tbody>
${connections}
</tbody></table>
${problems}
<p><small>${L.at} ${esc(farm.at)}</small></p></section>`;
}

function farmPage(farm: FarmStatus, lang: Language): string {
  return `<!doctype html>
<html lang="${lang}"><head><meta charset="utf-8"><title>${LABELS[lang].title}</title>
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<style>body{font-family:Segoe UI,Arial,sans-serif;margin:2em;color:#1d2733}table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border-bottom:1px solid #d5dbe3;padding:.4em;text-align:left}.outcome{font-size:1.3em;font-weight:bold}</style>
</head><body><h1>${LABELS[lang].title}</h1>
${renderFarmSection(farm, lang)}
</body></html>
`;
}

/** The farm's report on the kit, beside each server's: `reports/farm-report.html` (Italian), `.en.html`, `.json`. */
export async function writeFarmReport(
  kitDir: string,
  farm: FarmStatus,
): Promise<{ html: string; json: string }> {
  const dir = path.join(kitDir, KIT_REPORTS);
  await mkdir(dir, { recursive: true });
  const html = path.join(dir, 'farm-report.html');
  const json = path.join(dir, 'farm-report.json');
  await writeFile(json, `${JSON.stringify({ format: 1, ...farm }, null, 1)}\n`);
  await writeFile(html, farmPage(farm, 'it'));
  await writeFile(path.join(dir, 'farm-report.en.html'), farmPage(farm, 'en'));
  return { html, json };
}
