import type { Progress } from '../../../electron/shared/plan';
import { formatBytes, formatDuration, formatNumber, formatPercent } from '../format';
import { useI18n } from '../i18n';

/** A running step's progress: bar and percent, bytes or items, elapsed time, ETA. */
export function ProgressBar({
  progress,
  label,
  testId = 'step-progress',
}: {
  progress: Progress;
  label: string;
  /** 'step-progress' in the step's row; the banner repeats it as 'banner-progress'. */
  testId?: string;
}) {
  const { t, language } = useI18n();
  const percent = Math.min(100, Math.max(0, progress.percent));
  const parts: { key: string; text: string }[] = [];
  if (progress.bytesTotal !== undefined && progress.bytesDone !== undefined) {
    parts.push({
      key: 'bytes',
      text: t('ui.progress.bytes', {
        done: formatBytes(progress.bytesDone, language),
        total: formatBytes(progress.bytesTotal, language),
      }),
    });
  } else if (progress.bytesDone !== undefined) {
    parts.push({ key: 'bytes', text: formatBytes(progress.bytesDone, language) });
  }
  if (progress.itemsTotal !== undefined && progress.itemsDone !== undefined) {
    parts.push({
      key: 'items',
      text: t('ui.progress.items', {
        done: formatNumber(progress.itemsDone, language),
        total: formatNumber(progress.itemsTotal, language),
      }),
    });
  }
  parts.push({
    key: 'elapsed',
    text: t('ui.progress.elapsed', { time: formatDuration(progress.elapsedMs, language) }),
  });
  if (progress.etaMs !== undefined) {
    parts.push({
      key: 'eta',
      text: t('ui.progress.eta', { time: formatDuration(progress.etaMs, language) }),
    });
  }
  return (
    <div className="progress" data-testid={testId} data-percent={Math.round(percent)}>
      <div
        className="progress__track"
        role="progressbar"
        aria-label={`${t('ui.progress.label')}: ${label}`}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={Math.round(percent)}
      >
        <div className="progress__fill" style={{ width: `${percent}%` }} />
      </div>
      <div className="progress__meta">
        <strong className="progress__percent" data-testid="progress-percent">
          {formatPercent(percent, language)}
        </strong>
        {parts.map((part) => (
          <span key={part.key} data-testid={`progress-${part.key}`}>
            {part.text}
          </span>
        ))}
      </div>
    </div>
  );
}
