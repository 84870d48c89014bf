import { describe, expect, it } from 'vitest';
import { UpgradeError } from './message';
import {
  type VersionName,
  compareVersionNames,
  compareVersions,
  describeVersionName,
  parseVersionName,
} from './version-name';

type Build = VersionName['build'];

const good: {
  name: string;
  input: string;
  text: string;
  version: number[];
  build: Build;
  stamp: number;
  arch: 'x64' | 'x86';
}[] = [
  {
    name: 'the vendor example',
    input: '7.8.5.13100517_x64',
    text: '7.8.5.13100517_x64',
    version: [7, 8, 5],
    build: { year: 2013, month: 10, day: 5, hour: 17 },
    stamp: 13100517,
    arch: 'x64',
  },
  {
    name: 'a 32-bit build',
    input: '7.8.4.13050210_x86',
    text: '7.8.4.13050210_x86',
    version: [7, 8, 4],
    build: { year: 2013, month: 5, day: 2, hour: 10 },
    stamp: 13050210,
    arch: 'x86',
  },
  {
    name: 'many numeric parts',
    input: '7.8.5.2.19.24010100_x64',
    text: '7.8.5.2.19.24010100_x64',
    version: [7, 8, 5, 2, 19],
    build: { year: 2024, month: 1, day: 1, hour: 0 },
    stamp: 24010100,
    arch: 'x64',
  },
  {
    name: 'two version parts',
    input: '8.0.25123123_x64',
    text: '8.0.25123123_x64',
    version: [8, 0],
    build: { year: 2025, month: 12, day: 31, hour: 23 },
    stamp: 25123123,
    arch: 'x64',
  },
  {
    name: 'leading and trailing whitespace trimmed',
    input: '  \t7.8.5.13100517_x64 \n',
    text: '7.8.5.13100517_x64',
    version: [7, 8, 5],
    build: { year: 2013, month: 10, day: 5, hour: 17 },
    stamp: 13100517,
    arch: 'x64',
  },
  {
    name: '29 February of a leap year',
    input: '10.0.0.24022923_x64',
    text: '10.0.0.24022923_x64',
    version: [10, 0, 0],
    build: { year: 2024, month: 2, day: 29, hour: 23 },
    stamp: 24022923,
    arch: 'x64',
  },
  {
    name: 'hour 00',
    input: '7.9.0.14070300_x64',
    text: '7.9.0.14070300_x64',
    version: [7, 9, 0],
    build: { year: 2014, month: 7, day: 3, hour: 0 },
    stamp: 14070300,
    arch: 'x64',
  },
  {
    name: 'hour 23',
    input: '7.9.0.14070323_x86',
    text: '7.9.0.14070323_x86',
    version: [7, 9, 0],
    build: { year: 2014, month: 7, day: 3, hour: 23 },
    stamp: 14070323,
    arch: 'x86',
  },
  {
    name: 'zero parts and multi-digit parts',
    input: '0.10.200.00010101_x64',
    text: '0.10.200.00010101_x64',
    version: [0, 10, 200],
    build: { year: 2000, month: 1, day: 1, hour: 1 },
    stamp: 10101,
    arch: 'x64',
  },
];

const bad: { name: string; input: string; key: 'shape' | 'version' | 'stamp' | 'arch'; quoted?: string }[] = [
  { name: 'empty', input: '', key: 'shape' },
  { name: 'whitespace only', input: '   ', key: 'shape' },
  { name: 'too long (over 64 characters)', input: `${'1.'.repeat(30)}13100517_x64`, key: 'shape' },
  { name: 'missing arch', input: '7.8.5.13100517', key: 'arch' },
  { name: 'trailing underscore', input: '7.8.5.13100517_', key: 'arch' },
  { name: 'arch arm', input: '7.8.5.13100517_arm', key: 'arch' },
  { name: 'arch X64 (case matters)', input: '7.8.5.13100517_X64', key: 'arch' },
  { name: 'arch amd64', input: '7.8.5.13100517_amd64', key: 'arch' },
  { name: 'stamp of 7 digits', input: '7.8.5.1310051_x64', key: 'stamp' },
  { name: 'stamp of 9 digits', input: '7.8.5.131005170_x64', key: 'stamp' },
  { name: 'month 00', input: '7.8.5.13000517_x64', key: 'stamp' },
  { name: 'month 13', input: '7.8.5.13130517_x64', key: 'stamp' },
  { name: 'day 00', input: '7.8.5.13100017_x64', key: 'stamp' },
  { name: 'day 32', input: '7.8.5.13103217_x64', key: 'stamp' },
  { name: '30 February', input: '7.8.5.24023017_x64', key: 'stamp' },
  { name: '29 February 2023 (not a leap year)', input: '7.8.5.23022917_x64', key: 'stamp' },
  { name: '31 April', input: '7.8.5.13043117_x64', key: 'stamp' },
  { name: 'hour 24', input: '7.8.5.13100524_x64', key: 'stamp' },
  { name: 'leading zero in a version part', input: '07.8.5.13100517_x64', key: 'version' },
  { name: 'leading zero in a later version part', input: '7.08.5.13100517_x64', key: 'version' },
  { name: 'single-part version', input: '7.13100517_x64', key: 'version' },
  { name: 'letters in the version', input: '7.8b.5.13100517_x64', key: 'version' },
  { name: 'double dot in the version', input: '7..5.13100517_x64', key: 'version' },
  { name: 'a space inside the version', input: '7.8. 5.13100517_x64', key: 'version' },
  { name: 'a space inside the stamp', input: '7.8.5.1310 0517_x64', key: 'stamp' },
  { name: 'a space before the arch', input: '7.8.5.13100517_ x64', key: 'arch' },
  {
    name: 'a version part beyond safe integers',
    input: '7.99999999999999999999.5.13100517_x64',
    key: 'version',
  },
];

function failure(input: string): UpgradeError {
  try {
    parseVersionName(input);
  } catch (err) {
    if (err instanceof UpgradeError) return err;
    throw err;
  }
  throw new Error(`expected ${JSON.stringify(input)} to be refused`);
}

describe('parseVersionName: good names', () => {
  it.each(good)('$name: $input', ({ input, text, version, build, stamp, arch }) => {
    const v = parseVersionName(input);
    expect(v).toEqual({ text, version, build, stamp, arch });
  });
});

describe('parseVersionName: bad names', () => {
  it.each(bad)('$name: "$input" → version.invalid.$key', ({ input, key }) => {
    const err = failure(input);
    expect(err.message_.key).toBe(`version.invalid.${key}`);
    // The admin sees the name they gave (trimmed, or as given when it could not be trimmed to anything).
    const name = err.message_.params?.name;
    expect(typeof name).toBe('string');
    expect([input, input.trim()]).toContain(name);
  });

  it('quotes the trimmed name, not the padded input', () => {
    const err = failure('  7.8.5.13100517_arm  ');
    expect(err.message_).toEqual({ key: 'version.invalid.arch', params: { name: '7.8.5.13100517_arm' } });
  });
});

const v = (s: string) => parseVersionName(s);

describe('compareVersions', () => {
  it.each([
    { a: [7, 10, 0], b: [7, 9, 9], sign: 1 },
    { a: [7, 8], b: [7, 8, 0], sign: 0 },
    { a: [7, 8, 0, 0], b: [7, 8], sign: 0 },
    { a: [7, 8, 0, 1], b: [7, 8], sign: 1 },
    { a: [7, 8, 5], b: [7, 8, 50], sign: -1 },
    { a: [8], b: [7, 99, 99], sign: 1 },
    { a: [7, 0], b: [7, 0], sign: 0 },
  ])('$a vs $b → $sign, and the reverse gives the opposite sign', ({ a, b, sign }) => {
    expect(compareVersions(a, b)).toBe(sign);
    expect(compareVersions(b, a)).toBe(-sign || 0);
  });
});

describe('compareVersionNames', () => {
  it.each([
    {
      a: '7.10.0.13100517_x64',
      b: '7.9.9.13100517_x64',
      sign: 1,
      why: '7.10.0 is newer than 7.9.9 (numeric, not text)',
    },
    {
      a: '7.10.0.10010100_x64',
      b: '7.9.9.20010100_x64',
      sign: 1,
      why: 'the version decides before the build stamp',
    },
    { a: '7.8.0.13100517_x64', b: '7.8.13100517_x64', sign: 0, why: '7.8 equals 7.8.0 with the same stamp' },
    { a: '7.8.5.13100518_x64', b: '7.8.5.13100517_x64', sign: 1, why: 'same version: a later hour is newer' },
    {
      a: '7.8.5.13100517_x64',
      b: '7.8.5.14010100_x64',
      sign: -1,
      why: 'same version: an earlier year is older',
    },
    { a: '7.8.13100517_x64', b: '7.8.0.13100518_x64', sign: -1, why: '7.8 == 7.8.0, then the stamp decides' },
    { a: '7.8.4.13050210_x64', b: '7.8.5.13100517_x64', sign: -1, why: 'installed older than the kit' },
    { a: '7.8.5.13100517_x64', b: '7.8.5.13100517_x86', sign: 0, why: 'the architecture does not order' },
  ])('$why', ({ a, b, sign }) => {
    expect(compareVersionNames(v(a), v(b))).toBe(sign);
    expect(compareVersionNames(v(b), v(a))).toBe(-sign || 0);
  });

  it('sorts a list into release order', () => {
    const names = [
      '7.10.0.14010100_x64',
      '7.8.5.13100517_x64',
      '7.9.9.13120100_x64',
      '7.8.5.13100516_x64',
      '7.8.4.13050210_x64',
    ];
    const sorted = [...names]
      .map(v)
      .sort(compareVersionNames)
      .map((x) => x.text);
    expect(sorted).toEqual([
      '7.8.4.13050210_x64',
      '7.8.5.13100516_x64',
      '7.8.5.13100517_x64',
      '7.9.9.13120100_x64',
      '7.10.0.14010100_x64',
    ]);
  });
});

describe('describeVersionName', () => {
  it('in Italian', () => {
    expect(describeVersionName(v('7.8.5.13100517_x64'), 'it')).toBe('7.8.5, build 5 ottobre 2013 ore 17');
    expect(describeVersionName(v('10.0.0.24022900_x86'), 'it')).toBe('10.0.0, build 29 febbraio 2024 ore 0');
  });

  it('in English', () => {
    expect(describeVersionName(v('7.8.5.13100517_x64'), 'en')).toBe('7.8.5, build 5 October 2013 at 17:00');
    expect(describeVersionName(v('8.0.25010109_x64'), 'en')).toBe('8.0, build 1 January 2025 at 09:00');
  });
});
