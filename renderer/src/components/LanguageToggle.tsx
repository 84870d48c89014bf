import { useUpgrade } from '../store/react';
import { useI18n } from '../i18n';

/** "IT | EN": one click switches the whole UI, engine messages included. */
export function LanguageToggle() {
  const { t } = useI18n();
  const language = useUpgrade((s) => s.language);
  const setLanguage = useUpgrade((s) => s.setLanguage);
  return (
    <button
      type="button"
      className="lang-toggle"
      data-testid="language-toggle"
      data-language={language}
      aria-label={t('ui.lang.toggle')}
      title={t('ui.lang.toggle')}
      onClick={() => setLanguage(language === 'it' ? 'en' : 'it')}
    >
      <span className={language === 'it' ? 'lang-toggle__on' : 'lang-toggle__off'} lang="it">
        IT
      </span>
      <span className="lang-toggle__sep" aria-hidden="true">
        |
      </span>
      <span className={language === 'en' ? 'lang-toggle__on' : 'lang-toggle__off'} lang="en">
        EN
      </span>
    </button>
  );
}
