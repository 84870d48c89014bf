# When Windows last started: Get-CimInstance Win32_OperatingSystem mocked as Windows answers it
# (LastBootUpTime a local [datetime]). PowerShell on Linux has no CimCmdlets: a stand-in with the
# real cmdlet's parameters is defined first so that it can be mocked.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-LastBoot.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  Add-CimInstanceStandIn
}

Describe 'Get-LastBoot' {
  It 'gives the last boot in UTC, round-trip format' {
    $boot = [datetime]::new(2026, 11, 27, 6, 12, 44, 500, [DateTimeKind]::Utc).ToLocalTime()
    Mock Get-CimInstance {
      [pscustomobject]@{
        PSTypeName     = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_OperatingSystem'
        LastBootUpTime = $boot
      }
    }
    & $script -ParamsBase64 (ConvertTo-ParamsBase64 @{}) |
      Should -BeExactly '{"lastBoot":"2026-11-27T06:12:44.5000000Z"}'
    Should -Invoke Get-CimInstance -Times 1 -Exactly -ParameterFilter { $ClassName -eq 'Win32_OperatingSystem' }
  }

  It 'gives null when Windows does not answer' {
    Mock Get-CimInstance { }
    (Invoke-Script @{}).lastBoot | Should -BeNullOrEmpty
  }
}
