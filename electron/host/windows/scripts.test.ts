import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SCRIPTS, isAllowlisted } from './scripts';

/*
 * A review of the .ps1 files as text: there is no PowerShell here. Whether each script does what
 * it says on Windows Server (2012 R2 to 2022, Italian locale) can only be proven there.
 */

const DIR = fileURLToPath(new URL('../../../resources/scripts', import.meta.url));
const files = readdirSync(DIR).filter((f) => f.endsWith('.ps1'));
const text = (name: string) => readFileSync(`${DIR}/${name}`, 'utf8');

describe('the allowlisted scripts', () => {
  it('each exist in resources/scripts, and every script there is allowlisted', () => {
    expect(
      Object.keys(SCRIPTS)
        .map((s) => `${s}.ps1`)
        .sort(),
    ).toEqual([...files].sort());
    expect(isAllowlisted('Get-Elevation')).toBe(true);
    expect(isAllowlisted('toString')).toBe(false);
    expect(isAllowlisted('../Get-Elevation')).toBe(false);
  });

  it.each(files.map((f) => [f]))(
    '%s takes its parameters as base64 JSON, stops on errors, and runs nothing it is given',
    (file) => {
      const src = text(file);
      expect(src).toMatch(/^param\(\[Parameter\(Mandatory = \$true\)\]\[string\]\$ParamsBase64\)$/m);
      expect(src).toMatch(/^\$ErrorActionPreference = 'Stop'$/m);
      // Nothing that turns data into code, or changes the machine.
      expect(src).not.toMatch(
        /Invoke-Expression|\biex\b|ScriptBlock\]::Create|Start-Process|Invoke-Command|-EncodedCommand/i,
      );
      expect(src).not.toMatch(
        /\b(Set|Remove|New|Rename|Move|Copy)-Item(Property)?\b|Set-Content|Add-Content|Out-File|Stop-|Restart-|Start-Service/i,
      );
      // Parameters are only ever decoded from base64 and parsed as JSON.
      for (const m of src.matchAll(/\$ParamsBase64/g)) {
        const line = src.slice(src.lastIndexOf('\n', m.index) + 1, src.indexOf('\n', m.index));
        expect(line).toMatch(/^param\(|FromBase64String\(\$ParamsBase64\)\) \| ConvertFrom-Json$/);
      }
      // Paths through -LiteralPath: [ and ] in a folder name are not wildcards.
      expect(src).not.toMatch(/\s-Path\b/);
    },
  );

  it.each(files.filter((f) => f !== 'Read-ConnectionStrings.ps1').map((f) => [f]))(
    '%s prints one JSON document with ConvertTo-Json',
    (file) => {
      const src = text(file);
      expect(src).toMatch(/ConvertTo-Json -Compress/);
      expect(src).not.toMatch(/Write-Host|Write-Output/);
    },
  );
});
