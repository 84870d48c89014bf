import { useEffect, useRef, useState } from 'react';
import { formatClock } from '../../../electron/shared/time-text';
import { useI18n } from '../i18n';
import { useUpgrade } from '../store/react';

/** The engine's log lines, translated; collapsed by default. */
export function LogPanel() {
  const { t, tm, language } = useI18n();
  const log = useUpgrade((s) => s.log);
  const [open, setOpen] = useState(false);
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    const list = listRef.current;
    if (open && list) list.scrollTop = list.scrollHeight;
  }, [open, log]);

  const errors = log.filter((e) => e.level === 'error').length;
  return (
    <section className="log" data-testid="log-panel" data-open={open} aria-labelledby="log-title">
      <div className="log__head">
        <h2 id="log-title" className="log__title">
          {t('ui.log.title')}
        </h2>
        {errors > 0 && <span className="tag tag--error">{errors}</span>}
        <button
          type="button"
          className="btn btn--ghost btn--small"
          data-testid="log-toggle"
          aria-expanded={open}
          aria-controls="log-list"
          onClick={() => setOpen(!open)}
        >
          {open ? t('ui.log.hide') : t('ui.log.show', { count: log.length })}
        </button>
      </div>
      {open && (
        <ol className="log__list" id="log-list" ref={listRef} data-testid="log-list">
          {log.length === 0 && <li className="log__empty">{t('ui.log.empty')}</li>}
          {log.map((entry, i) => (
            <li
              key={i}
              className={`log__entry log__entry--${entry.level}`}
              data-testid="log-entry"
              data-level={entry.level}
            >
              <time className="log__time" dateTime={entry.at}>
                {formatClock(entry.at, language)}
              </time>
              <span className="log__level">{t(`ui.log.level.${entry.level}`)}</span>
              <span className="log__message">
                {tm(entry.message)}
                {entry.detail && <span className="log__detail">{entry.detail}</span>}
              </span>
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
