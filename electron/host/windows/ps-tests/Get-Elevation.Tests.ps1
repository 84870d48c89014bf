# Elevation under UAC. WindowsIdentity/WindowsPrincipal are static .NET APIs Pester cannot mock and
# that throw PlatformNotSupportedException off Windows, so the logic tests run the script in a
# child PowerShell where type accelerators put stand-ins for those three type names (a child, so
# the stand-ins cannot leak into other tests). The stand-in principal answers IsInRole as Windows
# does: a member of Administrators holding the UAC-filtered token is in Users, not Administrators.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-Elevation.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  $b64 = ConvertTo-ParamsBase64 @{}
  $runner = Join-Path $TestDrive 'Run-WithFakePrincipal.ps1'
  Set-Content -LiteralPath $runner -Encoding utf8 -Value @'
param([string]$Script, [string]$B64, [string]$Cases)
Add-Type -TypeDefinition @"
namespace CrmumElevationFake {
  public enum WindowsBuiltInRole { Administrator = 544, User = 545, Guest = 546, PowerUser = 547 }
  public class WindowsIdentity {
    public static string CurrentName;
    public static string CurrentToken;
    public string Name { get; private set; }
    public string Token { get; private set; }
    public static WindowsIdentity GetCurrent() { return new WindowsIdentity { Name = CurrentName, Token = CurrentToken }; }
  }
  public class WindowsPrincipal {
    private readonly WindowsIdentity identity;
    public WindowsPrincipal(WindowsIdentity ntIdentity) { identity = ntIdentity; }
    public bool IsInRole(WindowsBuiltInRole role) {
      if (role == WindowsBuiltInRole.Administrator) return identity.Token == "elevated";
      if (role == WindowsBuiltInRole.User) return true;
      return false;
    }
  }
}
"@
$accelerators = [psobject].Assembly.GetType('System.Management.Automation.TypeAccelerators')
foreach ($n in 'WindowsIdentity', 'WindowsPrincipal', 'WindowsBuiltInRole') {
  $accelerators::Add("Security.Principal.$n", [type]"CrmumElevationFake.$n")
}
# One child for all cases (starting PowerShell and compiling the stand-ins is the slow part).
foreach ($case in ($Cases | ConvertFrom-Json)) {
  [CrmumElevationFake.WindowsIdentity]::CurrentName = $case.user
  [CrmumElevationFake.WindowsIdentity]::CurrentToken = $case.token
  & $Script -ParamsBase64 $B64
}
'@
  # This PowerShell again: pwsh(.exe), or dotnet + pwsh.dll when run as a .NET tool.
  $exe = [Environment]::ProcessPath
  $pre = @()
  if ((Split-Path -Leaf $exe) -like 'dotnet*') { $pre = @([Environment]::GetCommandLineArgs()[0]) }
  $cases = ConvertTo-Json -Compress -InputObject @(
    @{ user = 'CONTOSO\crmadmin'; token = 'elevated' },
    @{ user = 'CONTOSO\crmadmin'; token = 'filtered' }
  )
  $childOut = @(& $exe @pre -NoProfile -NonInteractive -File $runner -Script $script -B64 $b64 -Cases $cases)
  $childExit = $LASTEXITCODE
  if ($childExit -eq 0) { foreach ($line in $childOut) { $line | Save-ContractOutput -Script $script | Out-Null } }
  $fake = @{}
  if ($childOut.Count -eq 2) {
    $fake.elevated = $childOut[0] | ConvertFrom-Json -DateKind String
    $fake.filtered = $childOut[1] | ConvertFrom-Json -DateKind String
  }
}

Describe 'Get-Elevation' {
  It 'reports elevated with the account name when the token is the full (elevated) one' {
    $childExit | Should -Be 0
    $r = $fake.elevated
    $r.elevated | Should -BeOfType [bool]
    $r.elevated | Should -BeTrue
    $r.user | Should -BeOfType [string]
    $r.user | Should -BeExactly 'CONTOSO\crmadmin'
  }

  It 'reports not elevated for an administrator holding the UAC-filtered token' {
    $childExit | Should -Be 0
    $r = $fake.filtered
    $r.elevated | Should -BeOfType [bool]
    $r.elevated | Should -BeFalse
    $r.user | Should -BeExactly 'CONTOSO\crmadmin'
  }

  # These tests run on Linux: the real API must fail loudly there, never answer "not elevated".
  # The real answer on Windows is acceptance check W1 (e2e/windows/ACCEPTANCE.md).
  It 'stops with an error off Windows instead of answering elevated=false' {
    { & $script -ParamsBase64 $b64 } | Should -Throw '*not supported on this platform*'
  }
}
