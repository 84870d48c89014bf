# Is IIS there: the InetStp registry key and the W3SVC service, both mocked as Windows answers them.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-IisStatus.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  # Get-Service is Windows-only: a stand-in with its parameters, for Mock to replace.
  if (-not (Get-Command Get-Service -ErrorAction SilentlyContinue)) {
    function Get-Service { [CmdletBinding()] param([string[]]$Name) }
  }
  # The InetStp key of a Server 2019/2022 IIS 10, as Get-ItemProperty gives it (DWORDs as Int32).
  $inetStpKey = [pscustomobject]@{
    MajorVersion      = [int]10
    MinorVersion      = [int]0
    VersionString     = 'Version 10.0'
    SetupString       = 'IIS 10.0'
    InstallPath       = 'C:\Windows\system32\inetsrv'
    PathWWWRoot       = 'C:\inetpub\wwwroot'
    IISProgramGroup   = 'Microsoft Internet Information Services\'
    PSPath            = 'Microsoft.PowerShell.Core\Registry::HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\InetStp'
    PSChildName       = 'InetStp'
    PSProvider        = 'Microsoft.PowerShell.Core\Registry'
  }
}

Describe 'Get-IisStatus' {
  It 'describes an installed IIS and a running W3SVC, with exactly the fields the schema reads' {
    Mock Get-ItemProperty { $inetStpKey } -ParameterFilter { $LiteralPath -eq 'HKLM:\SOFTWARE\Microsoft\InetStp' }
    # Get-Service gives a ServiceController: Status and StartType are enums, not text.
    Mock Get-Service {
      [pscustomobject]@{
        Name      = 'W3SVC'
        Status    = [System.ServiceProcess.ServiceControllerStatus]::Running
        StartType = [System.ServiceProcess.ServiceStartMode]::Automatic
      }
    } -ParameterFilter { $Name -eq 'W3SVC' }

    $r = Invoke-Script @{}

    @($r.PSObject.Properties.Name) | Should -Be @('inetStp', 'w3svc')
    @($r.inetStp.PSObject.Properties.Name) | Should -Be @('VersionString', 'MajorVersion', 'MinorVersion', 'SetupString', 'InstallPath')
    $r.inetStp.VersionString | Should -BeExactly 'Version 10.0'
    $r.inetStp.MajorVersion | Should -Be 10
    $r.inetStp.MajorVersion | Should -BeOfType [long]
    $r.inetStp.MinorVersion | Should -Be 0
    $r.inetStp.SetupString | Should -BeExactly 'IIS 10.0'
    $r.inetStp.InstallPath | Should -BeExactly 'C:\Windows\system32\inetsrv'
    @($r.w3svc.PSObject.Properties.Name) | Should -Be @('Status', 'StartType')
    # As text, not the enum's number (4 / 2).
    $r.w3svc.Status | Should -BeExactly 'Running'
    $r.w3svc.StartType | Should -BeExactly 'Automatic'
    Should -Invoke Get-ItemProperty -Times 1 -Exactly -ParameterFilter { $LiteralPath -eq 'HKLM:\SOFTWARE\Microsoft\InetStp' }
    Should -Invoke Get-Service -Times 1 -Exactly -ParameterFilter { $Name -eq 'W3SVC' }
  }

  It 'gives null for both when IIS is not installed (no InetStp key, no W3SVC)' {
    # -ErrorAction SilentlyContinue on a missing key or service: no output at all.
    Mock Get-ItemProperty { } -ParameterFilter { $LiteralPath -eq 'HKLM:\SOFTWARE\Microsoft\InetStp' }
    Mock Get-Service { }

    $r = Invoke-Script @{}

    @($r.PSObject.Properties.Name) | Should -Be @('inetStp', 'w3svc')
    $r.inetStp | Should -BeNullOrEmpty
    $r.w3svc | Should -BeNullOrEmpty
  }

  It 'reports a stopped, disabled W3SVC as text beside an installed IIS' {
    Mock Get-ItemProperty { $inetStpKey } -ParameterFilter { $LiteralPath -eq 'HKLM:\SOFTWARE\Microsoft\InetStp' }
    Mock Get-Service {
      [pscustomobject]@{
        Name      = 'W3SVC'
        Status    = [System.ServiceProcess.ServiceControllerStatus]::Stopped
        StartType = [System.ServiceProcess.ServiceStartMode]::Disabled
      }
    }

    $r = Invoke-Script @{}

    $r.inetStp.MajorVersion | Should -Be 10
    $r.w3svc.Status | Should -BeExactly 'Stopped'
    $r.w3svc.StartType | Should -BeExactly 'Disabled'
  }
}
