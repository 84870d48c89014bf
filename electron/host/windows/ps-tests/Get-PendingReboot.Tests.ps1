# Pending-reboot markers in the registry: Test-Path and Get-ItemProperty mocked as Windows answers
# them (Get-ItemProperty gives a PSCustomObject of the key's values plus PSPath etc.; a REG_MULTI_SZ
# value is a string[]; a missing key with -ErrorAction SilentlyContinue gives nothing).
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-PendingReboot.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  $cbs = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending'
  $wu = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired'
  $sm = 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager'
  $activeName = 'HKLM:\SYSTEM\CurrentControlSet\Control\ComputerName\ActiveComputerName'
  $nextName = 'HKLM:\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName'
}

Describe 'Get-PendingReboot' {
  BeforeEach {
    # A machine with nothing pending: no marker keys, Session Manager without the value, same name.
    Mock Test-Path { $false }
    Mock Get-ItemProperty { $null }
    Mock Get-ItemProperty -ParameterFilter { $LiteralPath -eq $sm } {
      New-RegistryValues $sm @{ BootExecute = [string[]]@('autocheck autochk *'); ProtectionMode = 1 }
    }
    Mock Get-ItemProperty -ParameterFilter { $LiteralPath -eq $activeName } {
      New-RegistryValues $activeName @{ ComputerName = 'CRM-APP01' }
    }
    Mock Get-ItemProperty -ParameterFilter { $LiteralPath -eq $nextName } {
      New-RegistryValues $nextName @{ ComputerName = 'CRM-APP01' }
    }
  }

  It 'gives an empty list when nothing is pending' {
    $r = Invoke-Script @{}
    $r.PSObject.Properties.Name | Should -Be @('reasons')
    , $r.reasons | Should -BeOfType [object[]]
    $r.reasons.Count | Should -Be 0
    Should -Invoke Test-Path -Times 1 -Exactly -ParameterFilter { $LiteralPath -eq $cbs }
    Should -Invoke Test-Path -Times 1 -Exactly -ParameterFilter { $LiteralPath -eq $wu }
  }

  It 'lists every marker present, in order' {
    Mock Test-Path -ParameterFilter { $LiteralPath -in $cbs, $wu } { $true }
    Mock Get-ItemProperty -ParameterFilter { $LiteralPath -eq $sm } {
      New-RegistryValues $sm @{ PendingFileRenameOperations = [string[]]@('\??\C:\Windows\Temp\old.dll', '', '\??\C:\inetpub\wwwroot\CRM\bin\new.dll', '!\??\C:\inetpub\wwwroot\CRM\bin\Crm.Web.dll') }
    }
    Mock Get-ItemProperty -ParameterFilter { $LiteralPath -eq $nextName } {
      New-RegistryValues $nextName @{ ComputerName = 'CRM-APP02' }
    }
    $r = Invoke-Script @{}
    $r.reasons | Should -Be @('CBS', 'WindowsUpdate', 'PendingFileRenameOperations', 'ComputerNameChange')
    $r.reasons | ForEach-Object { $_ | Should -BeOfType [string] }
  }

  It 'gives a one-element list as a JSON array' {
    Mock Test-Path -ParameterFilter { $LiteralPath -eq $wu } { $true }
    & $script -ParamsBase64 (ConvertTo-ParamsBase64 @{}) | Should -BeExactly '{"reasons":["WindowsUpdate"]}'
  }

  It 'does not count a PendingFileRenameOperations value that holds only empty strings' {
    Mock Get-ItemProperty -ParameterFilter { $LiteralPath -eq $sm } {
      New-RegistryValues $sm @{ PendingFileRenameOperations = [string[]]@('', '') }
    }
    (Invoke-Script @{}).reasons.Count | Should -Be 0
  }

  It 'does not report a name change when a computer-name key cannot be read' {
    Mock Get-ItemProperty -ParameterFilter { $LiteralPath -eq $nextName } { $null }
    (Invoke-Script @{}).reasons.Count | Should -Be 0
  }
}
