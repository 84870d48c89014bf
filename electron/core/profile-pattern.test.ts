import { describe, expect, it } from 'vitest';
import { PATTERN_INPUT_MAX_CHARS, PATTERN_MAX_LENGTH, firstCapture, patternProblem } from './profile-pattern';

describe('profile patterns at load', () => {
  it.each([
    '^\\s*(\\S+)',
    'Moduli:\\s*(.*)',
    'Version=\\s*([\\d.]+_x\\d+)',
    '(?<version>[\\d.]+_x(?:64|86))',
    '(?:ab)+c',
    '[(+*|]+ (\\w+)',
    'a{2,3}(b)?',
    'x{ (y)',
  ])('accepts %s', (pattern) => {
    expect(patternProblem(pattern)).toBeNull();
  });

  it.each([
    ['^((a+)+)$', 'nested'],
    ['(a*)*b', 'nested'],
    ['(?:a+)+', 'nested'],
    ['((a)+)+', 'nested'],
    ['(\\w+\\s?)*$', 'nested'],
    ['(a|a)*$', 'alternation'],
    ['((a|b))+', 'alternation'],
    ['(a?){20}a{20}', 'nested'],
    ['(a)\\1', 'backreference'],
    ['(?<v>a)\\k<v>', 'backreference'],
    ['(?=(a+))', 'lookaround'],
    ['(?<!x)y', 'lookaround'],
  ])('refuses %s (%s)', (pattern, why) => {
    expect(patternProblem(pattern)).toContain(why === 'alternation' ? 'alternation' : why);
  });

  it('refuses a pattern longer than the limit', () => {
    expect(patternProblem('a'.repeat(PATTERN_MAX_LENGTH + 1))).toContain('longer');
    expect(patternProblem('a'.repeat(PATTERN_MAX_LENGTH))).toBeNull();
  });
});

describe('profile patterns at run time', () => {
  it('finds the first capture, as RegExp with the m flag would', () => {
    expect(firstCapture('^\\s*(\\S+)', '\n  7.8.4.13050210_x64\n')).toBe('7.8.4.13050210_x64');
    expect(firstCapture('Moduli:\\s*(.*)', 'Ragione sociale\nModuli: 0, 3, 7\n')).toBe('0, 3, 7');
    expect(firstCapture('Moduli:\\s*(.*)', 'nothing here')).toBeNull();
  });

  it('stops a catastrophic pattern at the time limit instead of hanging', () => {
    expect(firstCapture('^((a+)+)$', `${'a'.repeat(40)}!`, 50)).toBeNull();
  });

  it('looks only at the head of the text', () => {
    const filler = 'x'.repeat(PATTERN_INPUT_MAX_CHARS);
    expect(firstCapture('Versione (\\S+)', `Versione 7.8.5\n${filler}`)).toBe('7.8.5');
    expect(firstCapture('Versione (\\S+)', `${filler}Versione 7.8.5`)).toBeNull();
  });
});
