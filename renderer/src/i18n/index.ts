import i18next, { type i18n as I18n, type TFunction } from 'i18next';
import { initReactI18next, useTranslation } from 'react-i18next';
import { useCallback } from 'react';
import {
  DEFAULT_LANGUAGE,
  ENGINE_NAMESPACE,
  LANGUAGES,
  engineCatalog,
  type Language,
} from '../../../electron/shared/i18n';
import type { Message } from '../../../electron/shared/message';

/** What the window translates: an engine Message, or one of the renderer's own (a `ui.*` key). */
export interface ShownMessage {
  key: Message['key'] | `ui.${string}`;
  params?: Message['params'];
}
import { uiEn } from './ui.en';
import { uiIt } from './ui.it';

export type { Language };
export { DEFAULT_LANGUAGE, LANGUAGES };

/** The renderer's own strings. */
export const UI_NAMESPACE = 'ui';
export const uiCatalog = { it: uiIt, en: uiEn } as const;

/**
 * Where a Message's key is looked up: the engine's catalogue first (every Message the engine
 * sends), then the renderer's (the few Messages the renderer makes itself, e.g. a call that
 * rejected). A key found in neither is shown as the key itself, so a gap is visible.
 */
export const MESSAGE_NAMESPACES = [ENGINE_NAMESPACE, UI_NAMESPACE] as const;

export function isLanguage(value: unknown): value is Language {
  return typeof value === 'string' && (LANGUAGES as readonly string[]).includes(value);
}

/** A fresh, synchronously initialised i18next instance with both catalogues bundled. */
export function createI18n(language: Language = DEFAULT_LANGUAGE): I18n {
  const instance = i18next.createInstance();
  void instance.use(initReactI18next).init({
    lng: language,
    fallbackLng: false,
    supportedLngs: [...LANGUAGES],
    ns: [UI_NAMESPACE, ENGINE_NAMESPACE],
    defaultNS: UI_NAMESPACE,
    fallbackNS: false,
    keySeparator: false,
    nsSeparator: false,
    initAsync: false,
    returnNull: false,
    returnEmptyString: false,
    // React escapes; the catalogues hold plain text.
    interpolation: { escapeValue: false },
    resources: {
      it: { [UI_NAMESPACE]: uiCatalog.it, [ENGINE_NAMESPACE]: engineCatalog.it },
      en: { [UI_NAMESPACE]: uiCatalog.en, [ENGINE_NAMESPACE]: engineCatalog.en },
    },
    react: { useSuspense: false },
  });
  return instance;
}

/** Translates an engine Message (key + params) in the current language. */
export function translateMessage(t: TFunction, message: ShownMessage): string {
  return t(message.key, { ...message.params, ns: [...MESSAGE_NAMESPACES] }) as string;
}

/** The hook the components use: the UI's `t` plus a translator for engine Messages. */
export function useI18n(): { t: TFunction; tm: (message: ShownMessage) => string; language: Language } {
  const { t, i18n } = useTranslation(UI_NAMESPACE);
  const tm = useCallback((message: ShownMessage) => translateMessage(t, message), [t]);
  const language = isLanguage(i18n.language) ? i18n.language : DEFAULT_LANGUAGE;
  return { t, tm, language };
}
