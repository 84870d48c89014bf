# The run lock's owner by start time: Get-Process mocked as Windows answers it.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-ProcessStartTime.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

Describe 'Get-ProcessStartTime' {
  It 'gives the start time in UTC, round-trip format' {
    Mock Get-Process { [pscustomobject]@{ Id = 4242; StartTime = [datetime]::new(2026, 11, 27, 18, 2, 11, [DateTimeKind]::Utc) } }
    (Invoke-Script @{ pid = 4242 }).startTime | Should -Be '2026-11-27T18:02:11.0000000Z'
    Should -Invoke Get-Process -Times 1 -ParameterFilter { $Id -eq 4242 }
  }

  It 'gives null when no process has that PID' {
    Mock Get-Process { $null }
    (Invoke-Script @{ pid = 4242 }).startTime | Should -BeNullOrEmpty
  }
}
