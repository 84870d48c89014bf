import { describe, expect, it } from 'vitest';
import { isSupportedWindows, parseWindowsVersion, windowsVersionName } from './windows-version';

const supported = (text: string) => isSupportedWindows(parseWindowsVersion(text)!);

describe('the minimum Windows', () => {
  it('is Windows Server 2016 (10.0.14393) and anything later', () => {
    expect(supported('10.0.14393')).toBe(true);
    expect(supported('10.0.17763')).toBe(true);
    expect(supported('10.0.26100')).toBe(true);
    expect(supported('11.0.1')).toBe(true);
  });

  it('refuses 2012 R2, 2012, 2008 R2 and a Windows 10 build before 2016', () => {
    expect(supported('6.3.9600')).toBe(false);
    expect(supported('6.2.9200')).toBe(false);
    expect(supported('6.1.7601')).toBe(false);
    expect(supported('10.0.10240')).toBe(false);
  });

  it('names the old servers the admin knows', () => {
    expect(windowsVersionName(parseWindowsVersion('6.3.9600')!)).toBe('Windows Server 2012 R2');
    expect(windowsVersionName(parseWindowsVersion('6.1.7601')!)).toBe('Windows Server 2008 R2');
  });

  it('reads only major.minor.build', () => {
    expect(parseWindowsVersion(' 10.0.20348 ')).toEqual({ major: 10, minor: 0, build: 20348 });
    for (const bad of ['', '10.0', '10.0.20348.1', 'Windows 10', '5.15.0-1-amd64'])
      expect(parseWindowsVersion(bad)).toBeNull();
  });
});
