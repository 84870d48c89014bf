import type { Evidence } from '../../../electron/shared/plan';
import { formatBytes, formatDuration, formatNumber } from '../format';
import { useI18n } from '../i18n';

function isBytesKey(key: string): boolean {
  return /bytes$/i.test(key);
}

function isDurationKey(key: string): boolean {
  return /(^ms$|Ms$|_ms$)/.test(key);
}

/** What a step measured, compactly: "freeBytes 42,0 GB · elevated sì · pool CrmPool". */
export function EvidenceList({ evidence }: { evidence: Evidence }) {
  const { t, language } = useI18n();
  const entries = Object.entries(evidence);
  if (entries.length === 0) return null;
  const show = (key: string, value: string | number | boolean): string => {
    if (typeof value === 'boolean') return t(value ? 'ui.bool.true' : 'ui.bool.false');
    if (typeof value === 'number') {
      if (isBytesKey(key)) return formatBytes(value, language);
      if (isDurationKey(key)) return formatDuration(value, language);
      return formatNumber(value, language);
    }
    return value;
  };
  return (
    <div className="evidence" data-testid="step-evidence">
      <span className="evidence__title">{t('ui.step.evidence')}</span>
      <dl className="evidence__list">
        {entries.map(([key, value]) => (
          <div className="evidence__item" key={key} data-evidence-key={key}>
            <dt>{key}</dt>
            <dd title={typeof value === 'string' ? value : String(value)}>{show(key, value)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
