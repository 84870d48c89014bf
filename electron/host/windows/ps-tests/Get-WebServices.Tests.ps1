# WAS and W3SVC: Get-Service mocked as Windows answers it (Status and StartType are enums).
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-WebServices.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  # Get-Service is Windows-only: a stand-in with its parameters, for Mock to replace.
  if (-not (Get-Command Get-Service -ErrorAction SilentlyContinue)) {
    function Get-Service { [CmdletBinding()] param([string[]]$Name) }
  }
  function New-Service([string]$Name, [string]$Status, [string]$StartType) {
    [pscustomobject]@{
      Name      = $Name
      Status    = [System.ServiceProcess.ServiceControllerStatus]$Status
      StartType = [System.ServiceProcess.ServiceStartMode]$StartType
    }
  }
}

Describe 'Get-WebServices' {
  It 'gives WAS then W3SVC, each with its status and start type as text' {
    Mock Get-Service { New-Service 'WAS' 'Running' 'Manual' } -ParameterFilter { $Name -eq 'WAS' }
    Mock Get-Service { New-Service 'W3SVC' 'Stopped' 'Automatic' } -ParameterFilter { $Name -eq 'W3SVC' }

    $r = Invoke-Script @{}

    @($r.PSObject.Properties.Name) | Should -Be @('services')
    $r.services.Count | Should -Be 2
    @($r.services[0].PSObject.Properties.Name) | Should -Be @('name', 'status', 'startType')
    $r.services[0].name | Should -BeExactly 'WAS'
    $r.services[0].status | Should -BeExactly 'Running'
    $r.services[0].startType | Should -BeExactly 'Manual'
    $r.services[1].name | Should -BeExactly 'W3SVC'
    $r.services[1].status | Should -BeExactly 'Stopped'
    $r.services[1].startType | Should -BeExactly 'Automatic'
    Should -Invoke Get-Service -Times 2 -Exactly
  }

  It 'gives null status and start type for a service that is not installed' {
    Mock Get-Service { } -ParameterFilter { $Name -eq 'WAS' }
    Mock Get-Service { New-Service 'W3SVC' 'StartPending' 'Disabled' } -ParameterFilter { $Name -eq 'W3SVC' }

    $r = Invoke-Script @{}

    $r.services[0].name | Should -BeExactly 'WAS'
    $r.services[0].status | Should -BeNullOrEmpty
    $r.services[0].startType | Should -BeNullOrEmpty
    $r.services[1].status | Should -BeExactly 'StartPending'
    $r.services[1].startType | Should -BeExactly 'Disabled'
  }
}
