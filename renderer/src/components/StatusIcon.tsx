import type { ReactNode } from 'react';
import type { StepStatus } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';

/** One shape per status, so that status never rests on color alone. */
const SHAPES: Record<StepStatus, ReactNode> = {
  pending: (
    <circle cx="10" cy="10" r="7" fill="none" stroke="currentColor" strokeWidth="2" strokeDasharray="3 2.5" />
  ),
  running: (
    <g className="status-icon__spin">
      <circle
        cx="10"
        cy="10"
        r="7"
        fill="none"
        stroke="currentColor"
        strokeOpacity="0.25"
        strokeWidth="2.5"
      />
      <path
        d="M10 3a7 7 0 0 1 7 7"
        fill="none"
        stroke="currentColor"
        strokeWidth="2.5"
        strokeLinecap="round"
      />
    </g>
  ),
  passed: (
    <>
      <circle cx="10" cy="10" r="8.5" fill="currentColor" />
      <path
        d="M6 10.3l2.7 2.7L14.2 7.4"
        fill="none"
        stroke="#fff"
        strokeWidth="2.2"
        strokeLinecap="round"
        strokeLinejoin="round"
      />
    </>
  ),
  warning: (
    <>
      <path d="M10 1.8L19 17.6H1z" fill="currentColor" strokeLinejoin="round" />
      <path d="M10 7.2v5" stroke="#fff" strokeWidth="2.1" strokeLinecap="round" />
      <circle cx="10" cy="15" r="1.2" fill="#fff" />
    </>
  ),
  failed: (
    <>
      <circle cx="10" cy="10" r="8.5" fill="currentColor" />
      <path d="M6.8 6.8l6.4 6.4M13.2 6.8l-6.4 6.4" stroke="#fff" strokeWidth="2.2" strokeLinecap="round" />
    </>
  ),
  skipped: (
    <>
      <circle cx="10" cy="10" r="7.5" fill="none" stroke="currentColor" strokeWidth="2" />
      <path
        d="M6.5 7l3.5 3-3.5 3M10.5 7l3.5 3-3.5 3"
        fill="none"
        stroke="currentColor"
        strokeWidth="1.8"
        strokeLinejoin="round"
      />
    </>
  ),
  waiting: (
    <>
      <circle cx="10" cy="10" r="8.5" fill="currentColor" />
      <path d="M7.3 6v8M12.7 6v8" stroke="#fff" strokeWidth="2.4" strokeLinecap="round" />
    </>
  ),
};

/** The status of a step: icon, color and a visible, translated label. */
export function StatusIcon({ status, compact = false }: { status: StepStatus; compact?: boolean }) {
  const { t } = useI18n();
  const label = t(`ui.status.${status}`);
  return (
    <span className={`status status--${status}`} data-testid="step-status" title={label}>
      <svg
        className="status-icon"
        viewBox="0 0 20 20"
        width="20"
        height="20"
        aria-hidden="true"
        focusable="false"
      >
        {SHAPES[status]}
      </svg>
      <span className={compact ? 'visually-hidden' : 'status__label'}>{label}</span>
    </span>
  );
}
