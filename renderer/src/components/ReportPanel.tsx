import type { Session } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';

/** The outcome and where the report was written (paths as text: the renderer opens no files). */
export function ReportPanel({ report }: { report: NonNullable<Session['report']> }) {
  const { t } = useI18n();
  return (
    <section
      className={`report report--${report.outcome}`}
      data-testid="report-panel"
      data-outcome={report.outcome}
      aria-labelledby="report-title"
    >
      <h2 id="report-title" className="report__title">
        {t('ui.report.title')}:{' '}
        <span data-testid="report-outcome">{t(`ui.report.outcome.${report.outcome}`)}</span>
      </h2>
      <dl className="report__paths">
        <div>
          <dt>{t('ui.report.html')}</dt>
          <dd className="mono" data-testid="report-html-path">
            {report.htmlPath}
          </dd>
        </div>
        <div>
          <dt>{t('ui.report.json')}</dt>
          <dd className="mono" data-testid="report-json-path">
            {report.jsonPath}
          </dd>
        </div>
      </dl>
    </section>
  );
}
