# The processes a setup may have started: Get-CimInstance Win32_Process mocked as Windows answers
# it (CIM instances with ProcessId and ParentProcessId as UInt32, Name, and CreationDate as a
# local [datetime]). PowerShell on Linux has no CimCmdlets: a stand-in with the real cmdlet's
# parameters is defined first so that it can be mocked.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-SetupProcesses.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  Add-CimInstanceStandIn
  function New-Win32Process([uint32]$ProcessId, [uint32]$Parent, [string]$Name, $CreatedUtc) {
    $created = $null
    if ($CreatedUtc) { $created = ([datetime]$CreatedUtc).ToLocalTime() }
    [pscustomobject]@{
      PSTypeName      = 'Microsoft.Management.Infrastructure.CimInstance#root/cimv2/Win32_Process'
      ProcessId       = $ProcessId
      ParentProcessId = $Parent
      Name            = $Name
      CreationDate    = $created
    }
  }
  $at = { param($s) [datetime]::new(2026, 11, 27, 18, 2, $s, [DateTimeKind]::Utc) }
}

Describe 'Get-SetupProcesses' {
  BeforeEach {
    Mock Get-CimInstance {
      New-Win32Process 4 0 'System' $null
      New-Win32Process 640 4 'services.exe' (& $at 0).AddDays(-3)
      New-Win32Process 880 640 'msiexec.exe' (& $at 0).AddHours(-1)
      New-Win32Process 4242 3140 'setup.exe' (& $at 10)
      New-Win32Process 5120 4242 'setup.exe' (& $at 12)
      New-Win32Process 5300 880 'msiexec.exe' (& $at 13)
      New-Win32Process 3140 1200 'explorer.exe' (& $at 0).AddMinutes(-40)
    }
  }

  It 'lists the processes created since the setup started, and every msiexec.exe' {
    $r = Invoke-Script @{ since = '2026-11-27T18:02:10.000Z' }
    @($r.PSObject.Properties.Name) | Should -Be @('processes')
    @($r.processes | ForEach-Object { $_.pid }) | Should -Be @(880, 4242, 5120, 5300)
    $clone = $r.processes | Where-Object { $_.pid -eq 5120 }
    @($clone.PSObject.Properties.Name) | Should -Be @('pid', 'parentPid', 'name', 'created')
    $clone.parentPid | Should -Be 4242
    $clone.name | Should -BeExactly 'setup.exe'
    $clone.created | Should -BeExactly '2026-11-27T18:02:12.0000000Z'
    Should -Invoke Get-CimInstance -Times 1 -Exactly -ParameterFilter { $ClassName -eq 'Win32_Process' }
  }

  It 'keeps two seconds of slack before the start (the clocks are read apart)' {
    $r = Invoke-Script @{ since = '2026-11-27T18:02:12.000Z' }
    @($r.processes | ForEach-Object { $_.pid }) | Should -Be @(880, 4242, 5120, 5300)
    $r = Invoke-Script @{ since = '2026-11-27T18:02:12.500Z' }
    @($r.processes | ForEach-Object { $_.pid }) | Should -Be @(880, 5120, 5300)
  }

  It 'gives a JSON array for a single process, and an empty one for none' {
    Mock Get-CimInstance { New-Win32Process 880 640 'msiexec.exe' (& $at 0) }
    & $script -ParamsBase64 (ConvertTo-ParamsBase64 @{ since = '2026-11-27T18:02:10Z' }) |
      Should -BeExactly '{"processes":[{"pid":880,"parentPid":640,"name":"msiexec.exe","created":"2026-11-27T18:02:00.0000000Z"}]}'
    Mock Get-CimInstance { }
    & $script -ParamsBase64 (ConvertTo-ParamsBase64 @{ since = '2026-11-27T18:02:10Z' }) |
      Should -BeExactly '{"processes":[]}'
  }
}
