# A pool's worker processes followed by PID: Get-Process mocked as Windows answers it.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-ProcessesById.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  function New-Process([int]$Id, [string]$Name, [datetime]$Started) {
    [pscustomobject]@{ Id = $Id; ProcessName = $Name; StartTime = $Started }
  }
}

Describe 'Get-ProcessesById' {
  It 'gives only the processes that still exist, with name and UTC start time' {
    $started = [datetime]::new(2026, 11, 27, 18, 2, 11, [DateTimeKind]::Utc)
    Mock Get-Process { New-Process 4312 'w3wp' $started } -ParameterFilter { $Id -eq 4312 }
    Mock Get-Process { } -ParameterFilter { $Id -eq 5120 }

    $r = Invoke-Script @{ pids = @(4312, 5120) }

    @($r.PSObject.Properties.Name) | Should -Be @('processes')
    @($r.processes).Count | Should -Be 1
    @($r.processes[0].PSObject.Properties.Name) | Should -Be @('pid', 'name', 'startTime')
    $r.processes[0].pid | Should -Be 4312
    $r.processes[0].name | Should -BeExactly 'w3wp'
    $r.processes[0].startTime | Should -BeExactly '2026-11-27T18:02:11.0000000Z'
    Should -Invoke Get-Process -Times 2 -Exactly
  }

  It 'gives a null start time when it cannot be read, and the process all the same' {
    $process = [pscustomobject]@{ Id = 4312; ProcessName = 'w3wp' }
    Add-Member -InputObject $process -MemberType ScriptProperty -Name StartTime -Value { throw 'Access is denied' }
    Mock Get-Process { $process }

    $r = Invoke-Script @{ pids = @(4312) }

    $r.processes[0].pid | Should -Be 4312
    $r.processes[0].startTime | Should -BeNullOrEmpty
  }

  It 'gives an empty list when none exists any more' {
    Mock Get-Process { }

    $r = Invoke-Script @{ pids = @(4312) } -NoEnumerate

    @($r.processes).Count | Should -Be 0
  }
}
