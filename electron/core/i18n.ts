import i18next, { type i18n } from 'i18next';
import { ENGINE_NAMESPACE, type Language, engineCatalog } from '../shared/i18n';
import type { Message } from '../shared/message';

export type Translate = (m: Message) => string;

let instance: i18n | null = null;

function engineI18n(): i18n {
  if (instance) return instance;
  instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    lng: 'it',
    fallbackLng: false,
    keySeparator: false,
    nsSeparator: false,
    ns: [ENGINE_NAMESPACE],
    defaultNS: ENGINE_NAMESPACE,
    interpolation: { escapeValue: false },
    resources: { it: { [ENGINE_NAMESPACE]: engineCatalog.it }, en: { [ENGINE_NAMESPACE]: engineCatalog.en } },
  });
  return instance;
}

/** The same catalogue the renderer uses, for the CLI and the report. */
export function translator(lang: Language): Translate {
  const t = engineI18n().getFixedT(lang, ENGINE_NAMESPACE);
  return (m) => t(m.key, m.params ?? {});
}
