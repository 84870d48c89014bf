# A named instance's TCP settings: Get-ItemProperty, Get-ChildItem and Test-Path mocked as Windows
# answers them for the registry (Get-ItemProperty gives a PSCustomObject of the key's values plus
# PSPath etc., DWORDs as Int32, strings as String; a missing key with -ErrorAction SilentlyContinue
# gives nothing; Get-ChildItem gives the subkeys, each with its PSChildName).
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-SqlInstancePort.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  function New-RegistryKey([string]$Key) {
    [pscustomobject]@{
      PSPath      = "Microsoft.PowerShell.Core\Registry::$($Key -replace '^HKLM:', 'HKEY_LOCAL_MACHINE')"
      PSChildName = Split-Path -Leaf $Key
      Name        = $Key -replace '^HKLM:', 'HKEY_LOCAL_MACHINE'
    }
  }
  $sql = 'HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server'
  $wow = 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Microsoft SQL Server'
  $tcp = "$sql\MSSQL16.SQLEXPRESS\MSSQLServer\SuperSocketNetLib\Tcp"
  # The registry of the test: key -> values; each test sets what it needs (keys compare case-insensitively).
  $registry = @{}
  function Set-Key([string]$Key, [hashtable]$Values) { $registry[$Key] = $Values }
}

Describe 'Get-SqlInstancePort' {
  BeforeEach {
    # SQL Server 2022 Express as installed: TCP/IP off, IPAll dynamic ("0"), no static port.
    $registry.Clear()
    Mock Get-ItemProperty {
      # -LiteralPath is a string[]: one path here.
      $key = [string]$LiteralPath[0]
      if ($registry.ContainsKey($key)) { New-RegistryValues $key $registry[$key] }
    }
    Mock Test-Path { $true }
    Mock Get-ChildItem { }
    Set-Key "$sql\Instance Names\SQL" @{ SQLEXPRESS = 'MSSQL16.SQLEXPRESS' }
    Set-Key $tcp @{ Enabled = 0; ListenOnAllIPs = 1; DisplayName = 'TCP/IP' }
    Set-Key "$tcp\IPAll" @{ TcpPort = ''; TcpDynamicPorts = '0'; DisplayName = 'Any IP Address' }
  }

  It 'says TCP/IP is disabled on a default SQL Express' {
    $r = Invoke-Script @{ instance = 'SQLEXPRESS' }
    @($r.PSObject.Properties.Name) | Should -Be @('instanceId', 'tcpEnabled', 'listenOnAllIPs', 'addresses', 'tcpPort', 'tcpDynamicPorts')
    $r.instanceId | Should -BeExactly 'MSSQL16.SQLEXPRESS'
    $r.tcpEnabled | Should -BeOfType [bool]
    $r.tcpEnabled | Should -BeFalse
    $r.listenOnAllIPs | Should -BeTrue
    $r.addresses | Should -BeExactly 'IPAll'
    $r.tcpDynamicPorts | Should -BeExactly '0'
  }

  It 'gives the dynamic port the instance took at its last start' {
    Set-Key $tcp @{ Enabled = 1; ListenOnAllIPs = 1 }
    Set-Key "$tcp\IPAll" @{ TcpPort = ''; TcpDynamicPorts = '49721' }
    $r = Invoke-Script @{ instance = 'SQLEXPRESS' }
    $r.tcpEnabled | Should -BeTrue
    $r.tcpPort | Should -BeExactly ''
    $r.tcpDynamicPorts | Should -BeExactly '49721'
    $r.tcpDynamicPorts | Should -BeOfType [string]
  }

  It 'gives static ports as written, and finds the instance whatever the case of its name' {
    Set-Key $tcp @{ Enabled = 1; ListenOnAllIPs = 1 }
    Set-Key "$tcp\IPAll" @{ TcpPort = '1433,1500'; TcpDynamicPorts = '' }
    $r = Invoke-Script @{ instance = 'sqlexpress' }
    $r.instanceId | Should -BeExactly 'MSSQL16.SQLEXPRESS'
    $r.tcpPort | Should -BeExactly '1433,1500'
  }

  It 'reads a 32-bit instance under WOW6432Node' {
    Set-Key "$sql\Instance Names\SQL" @{ MSSQLSERVER = 'MSSQL16.MSSQLSERVER' }
    Set-Key "$wow\Instance Names\SQL" @{ CRM32 = 'MSSQL12.CRM32' }
    $wowTcp = "$wow\MSSQL12.CRM32\MSSQLServer\SuperSocketNetLib\Tcp"
    Set-Key $wowTcp @{ Enabled = 1; ListenOnAllIPs = 1 }
    Set-Key "$wowTcp\IPAll" @{ TcpPort = '1455'; TcpDynamicPorts = '' }
    $r = Invoke-Script @{ instance = 'CRM32' }
    $r.instanceId | Should -BeExactly 'MSSQL12.CRM32'
    $r.tcpPort | Should -BeExactly '1455'
  }

  It 'uses the enabled loopback entry when the instance does not listen on all addresses' {
    Set-Key $tcp @{ Enabled = 1; ListenOnAllIPs = 0 }
    Set-Key "$tcp\IPAll" @{ TcpPort = '9999'; TcpDynamicPorts = '' }
    Set-Key "$tcp\IP1" @{ IpAddress = '192.168.10.20'; Enabled = 1; TcpPort = '1600'; TcpDynamicPorts = '' }
    Set-Key "$tcp\IP2" @{ IpAddress = '127.0.0.1'; Enabled = 1; TcpPort = '1601'; TcpDynamicPorts = '' }
    Mock Get-ChildItem -ParameterFilter { $LiteralPath -eq $tcp } {
      New-RegistryKey "$tcp\IP1"
      New-RegistryKey "$tcp\IP2"
      New-RegistryKey "$tcp\IPAll"
    }
    $r = Invoke-Script @{ instance = 'SQLEXPRESS' }
    $r.listenOnAllIPs | Should -BeFalse
    $r.addresses | Should -BeExactly 'IP2'
    $r.tcpPort | Should -BeExactly '1601'
  }

  It 'gives a null instance id, and reads nothing more, when the instance is not on this server' {
    $r = Invoke-Script @{ instance = 'ALTRA' }
    # JSON null, not false or '': "not here" is not "TCP/IP off".
    $null -eq $r.instanceId | Should -BeTrue
    $null -eq $r.tcpEnabled | Should -BeTrue
    $null -eq $r.addresses | Should -BeTrue
    Should -Invoke Get-ItemProperty -Times 0 -Exactly -ParameterFilter { $LiteralPath -eq $tcp }
  }
}
