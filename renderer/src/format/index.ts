import type { Language } from '../../../electron/shared/i18n';
import { localeOf } from '../../../electron/shared/time-text';

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB'] as const;

/**
 * Sizes as Windows shows them (1 KB = 1024 bytes), one decimal from KB up:
 * "12,3 MB" in Italian, "12.3 MB" in English.
 */
export function formatBytes(bytes: number, language: Language): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '–';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const digits = unit === 0 ? 0 : 1;
  const text = new Intl.NumberFormat(localeOf(language), {
    minimumFractionDigits: digits,
    maximumFractionDigits: digits,
  }).format(value);
  return `${text} ${UNITS[unit]}`;
}

export function formatNumber(value: number, language: Language): string {
  return new Intl.NumberFormat(localeOf(language)).format(value);
}

export function formatPercent(percent: number, language: Language): string {
  const clamped = Math.min(100, Math.max(0, percent));
  return new Intl.NumberFormat(localeOf(language), { style: 'percent', maximumFractionDigits: 0 }).format(
    clamped / 100,
  );
}

/** "< 0,1 s", "0,4 s", "12 s", "3 min 05 s", "1 h 02 min" (units read the same in both languages). */
export function formatDuration(ms: number, language: Language): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 100) return `< ${new Intl.NumberFormat(localeOf(language)).format(0.1)} s`;
  if (ms < 10_000) {
    const seconds = new Intl.NumberFormat(localeOf(language), { maximumFractionDigits: 1 }).format(
      Math.round(ms / 100) / 10,
    );
    return `${seconds} s`;
  }
  const total = Math.round(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  if (m > 0) return `${m} min ${String(s).padStart(2, '0')} s`;
  return `${s} s`;
}
