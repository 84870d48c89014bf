import type { Language } from './i18n';
import { type Message, msg } from './message';

/**
 * Times of day and lengths of time as the admin reads them, the same in the window and in the
 * terminal: both import them from here.
 */

const LOCALES: Record<Language, string> = { it: 'it-IT', en: 'en-GB' };

export function localeOf(language: Language): string {
  return LOCALES[language];
}

/** A time of day, "17:04:09"; to the minute, "17:04", without seconds. */
export function formatClock(iso: string, language: Language, { seconds = true } = {}): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return new Intl.DateTimeFormat(localeOf(language), {
    hour: '2-digit',
    minute: '2-digit',
    ...(seconds ? { second: '2-digit' } : {}),
    hour12: false,
  }).format(date);
}

/** How long something has lasted, to the minute: "< 1 min", "12 min", "1 h 05 min". */
export function formatMinutes(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  const minutes = Math.floor(ms / 60_000);
  if (minutes < 1) return '< 1 min';
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return h > 0 ? `${h} h ${String(m).padStart(2, '0')} min` : `${m} min`;
}

/** Issue 11, "Utenti esclusi dalle 21:04 (da 12 min)": since when users are locked out, and for how long. */
export function lockoutMessage(since: string, now: number, language: Language): Message {
  return msg('lockout.since', {
    time: formatClock(since, language, { seconds: false }),
    duration: formatMinutes(now - Date.parse(since)),
  });
}
