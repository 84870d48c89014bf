import type { Language } from '../../../electron/shared/i18n';
import { describeVersionName, parseVersionName } from '../../../electron/shared/version-name';

/** "7.8.5, build 5 ottobre 2013 ore 17" from "7.8.5.13100517_x64"; the text itself when it is no version name. */
export function describeVersionText(text: string, language: Language): string {
  try {
    return describeVersionName(parseVersionName(text), language);
  } catch {
    return text;
  }
}
