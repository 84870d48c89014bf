import type { Session } from '../../../electron/shared/plan';
import { useI18n } from '../i18n';
import { PHASE_ORDER } from '../logic/steps';
import { PhaseSection } from './PhaseSection';

/** The whole plan, phase by phase. */
export function Plan({ session }: { session: Session }) {
  const { t } = useI18n();
  return (
    <div className="plan" data-testid="plan">
      <h1 className="visually-hidden">{t('ui.app.planLabel')}</h1>
      {PHASE_ORDER.map((phase, index) => (
        <PhaseSection key={phase} session={session} phase={phase} index={index} />
      ))}
    </div>
  );
}
