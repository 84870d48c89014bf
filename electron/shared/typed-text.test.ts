import { describe, expect, it } from 'vitest';
import { msg } from './message';
import { credentialsProblem, reasonProblem, unsafeCharacter } from './typed-text';

describe('what the admin types', () => {
  it.each([
    ['\u0000', 'U+0000'],
    ['\t', 'U+0009'],
    ['\n', 'U+000A'],
    ['\r', 'U+000D'],
    ['\u001b', 'U+001B'],
    ['\u007f', 'U+007F'],
    ['\u0080', 'U+0080'],
    ['\u0085', 'U+0085'],
    ['\u009f', 'U+009F'],
    ['\u061c', 'U+061C'],
    ['\u200e', 'U+200E'],
    ['\u200f', 'U+200F'],
    ['\u2028', 'U+2028'],
    ['\u202a', 'U+202A'],
    ['\u202e', 'U+202E'],
    ['\u2066', 'U+2066'],
    ['\u2069', 'U+2069'],
  ])('refuses %j as %s', (ch, code) => {
    expect(unsafeCharacter(`prima${ch}dopo`)).toBe(code);
  });

  it('takes plain text in any language', () => {
    expect(unsafeCharacter('Backup notturno già verificato: perché no? «sì» — 東京 Ελλάδα 🙂')).toBeNull();
  });

  it('says what is wrong with a reason', () => {
    expect(reasonProblem('riga uno\nriga due')).toEqual(
      msg('input.reason.unsafe-character', { character: 'U+000A' }),
    );
    expect(reasonProblem(' ok ')).toEqual(msg('input.reason.length', { min: 5, max: 500 }));
    expect(reasonProblem('x'.repeat(501))).toEqual(msg('input.reason.length', { min: 5, max: 500 }));
    expect(reasonProblem('manutenzione concordata')).toBeNull();
  });

  it('names the credential field, never its value', () => {
    expect(credentialsProblem({ kind: 'sql', user: 'sa', password: 'a\u202eb' })).toEqual(
      msg('input.credentials.password-unsafe', { character: 'U+202E' }),
    );
    expect(credentialsProblem({ kind: 'ntlm', domain: 'AZ\u0085', user: 'u', password: 'p' })).toEqual(
      msg('input.credentials.domain-unsafe', { character: 'U+0085' }),
    );
    expect(credentialsProblem({ kind: 'sql', user: 'u\r', password: 'p' })?.key).toBe(
      'input.credentials.user-unsafe',
    );
    expect(credentialsProblem({ kind: 'sql', user: 'sa', password: 'Segreta!1 con spazi' })).toBeNull();
  });
});
