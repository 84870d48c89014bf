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
      // Nor an ACL changed: Protect-Folder.ps1 alone makes a folder, with its ACL in the same call.
      expect(src).not.toMatch(/Set-Acl|SetAccessControl/i);
      if (file !== 'Protect-Folder.ps1') expect(src).not.toMatch(/CreateDirectory/i);
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

  it.each(files.map((f) => [f]))(
    '%s finds no module by name: PSModulePath can include a user folder, so by absolute path only',
    (file) => {
      const src = text(file);
      expect(src).not.toMatch(/Get-Module\b[^\n]*-ListAvailable|#Requires\s+-Modules/i);
      // Import-Module -Name $x, where $x is a folder under $PSHOME\Modules (the system modules).
      for (const m of src.matchAll(/Import-Module\b([^\n]*)/gi)) {
        const variable = /^ -Name \$(\w+)$/.exec(m[1]!)?.[1];
        expect(variable, `${file}: Import-Module${m[1]}`).toBeDefined();
        expect(src).toMatch(new RegExp(`^\\$${variable} = \\$PSHOME \\+ '\\\\Modules\\\\\\w+'$`, 'm'));
      }
    },
  );
});

describe('Protect-Folder.ps1', () => {
  const src = text('Protect-Folder.ps1');

  it('makes a missing folder for Administrators and SYSTEM only, inheritable, nothing from the parent', () => {
    expect(src).toMatch(/SecurityIdentifier 'S-1-5-32-544'/);
    expect(src).toMatch(/SecurityIdentifier 'S-1-5-18'/);
    expect(src).toMatch(/\$security\.SetOwner\(\$administrators\)/);
    expect(src).toMatch(/\$security\.SetAccessRuleProtection\(\$true, \$false\)/);
    expect(src).toMatch(/InheritanceFlags\]'ContainerInherit, ObjectInherit'/);
    expect(src).toMatch(/FileSystemRights\]::FullControl/);
    // The ACL goes with the creation, and only when nothing is there: an existing folder is only described.
    expect(src).toMatch(
      /if \(\$null -eq \$attributes\) \{\s+\[void\]\[IO\.Directory\]::CreateDirectory\(\$folder, \(New-ProtectedSecurity\)\)/,
    );
    expect(src.match(/::CreateDirectory\(/g)).toHaveLength(1);
  });

  it('describes a link or junction by its own attributes, and reads an ACL only when it is none', () => {
    expect(src).toMatch(/\[IO\.File\]::GetAttributes\(\$Path\)/);
    expect(src).toMatch(/\$attributes -band \[IO\.FileAttributes\]::ReparsePoint/);
    expect(src).toMatch(/if \(\$out\.isDirectory -and -not \$out\.reparsePoint\) \{/);
    expect(src).toMatch(/GetOwner\(\[Security\.Principal\.SecurityIdentifier\]\)/);
    expect(src).toMatch(/AreAccessRulesProtected/);
  });

  it('prints every field its schema asks for', () => {
    const keys = Object.keys(SCRIPTS['Protect-Folder'].result.shape);
    for (const key of keys) expect(src).toMatch(new RegExp(`\\b${key} = `));
  });
});
