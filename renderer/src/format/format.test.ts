import { describe, expect, it } from 'vitest';
import { formatBytes, formatDuration, formatPercent } from './index';

describe('formatBytes', () => {
  it('uses the language’s decimal separator', () => {
    expect(formatBytes(12.3 * 1024 * 1024, 'it')).toBe('12,3 MB');
    expect(formatBytes(12.3 * 1024 * 1024, 'en')).toBe('12.3 MB');
    expect(formatBytes(40 * 1024 * 1024, 'it')).toBe('40,0 MB');
  });
  it('picks the unit', () => {
    expect(formatBytes(512, 'it')).toBe('512 B');
    expect(formatBytes(2048, 'en')).toBe('2.0 KB');
    expect(formatBytes(5.5 * 1024 ** 3, 'it')).toBe('5,5 GB');
    expect(formatBytes(-1, 'it')).toBe('–');
  });
});

describe('formatDuration', () => {
  it('reads well at every scale', () => {
    expect(formatDuration(40, 'it')).toBe('< 0,1 s');
    expect(formatDuration(400, 'it')).toBe('0,4 s');
    expect(formatDuration(400, 'en')).toBe('0.4 s');
    expect(formatDuration(12_000, 'en')).toBe('12 s');
    expect(formatDuration(185_000, 'it')).toBe('3 min 05 s');
    expect(formatDuration(3_720_000, 'it')).toBe('1 h 02 min');
  });
});

describe('formatPercent', () => {
  it('clamps and localises', () => {
    expect(formatPercent(42.4, 'en')).toBe('42%');
    expect(formatPercent(150, 'it')).toMatch(/^100\s?%$/);
  });
});
