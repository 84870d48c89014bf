#Requires -Version 5.1
<#
  The TCP settings of a named SQL Server instance of this server, from its registry, read-only:
  tedious speaks TCP only, and SQL Express installs with TCP/IP and the SQL Server Browser off.
    Instance Names\SQL\<instance>               the instance id (MSSQL16.SQLEXPRESS)
    <id>\MSSQLServer\SuperSocketNetLib\Tcp     Enabled, ListenOnAllIPs
    ...\Tcp\IPAll                              TcpPort (static, "1433" or "1433,1500"),
                                               TcpDynamicPorts (the port taken at the last start)
  With ListenOnAllIPs = 0, IPAll is not used: the enabled IPn entry of the loopback address is.
  A 32-bit instance on 64-bit Windows is under WOW6432Node.
  Parameters: { "instance": "SQLEXPRESS" }
  Output: { "instanceId": "MSSQL16.SQLEXPRESS", "tcpEnabled": true, "listenOnAllIPs": true,
            "addresses": "IPAll", "tcpPort": "", "tcpDynamicPorts": "49721" }
          instanceId null: no such instance on this server.
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$instance = [string]$params.instance

function Get-Values([string]$Key) {
  Get-ItemProperty -LiteralPath $Key -ErrorAction SilentlyContinue
}

function Get-Value($Values, [string]$Name) {
  if ($Values -and $Values.PSObject.Properties[$Name]) { return $Values.PSObject.Properties[$Name].Value }
  return $null
}

$result = [ordered]@{
  instanceId      = $null
  tcpEnabled      = $null
  listenOnAllIPs  = $null
  addresses       = $null
  tcpPort         = $null
  tcpDynamicPorts = $null
}
$root = $null
foreach ($candidate in @('HKLM:\SOFTWARE\Microsoft\Microsoft SQL Server', 'HKLM:\SOFTWARE\WOW6432Node\Microsoft\Microsoft SQL Server')) {
  $id = Get-Value (Get-Values "$candidate\Instance Names\SQL") $instance
  if ($id) {
    $root = $candidate
    $result.instanceId = [string]$id
    break
  }
}
if ($root) {
  $tcp = "$root\$($result.instanceId)\MSSQLServer\SuperSocketNetLib\Tcp"
  $tcpValues = Get-Values $tcp
  $result.tcpEnabled = [int](Get-Value $tcpValues 'Enabled') -eq 1
  $listenAll = Get-Value $tcpValues 'ListenOnAllIPs'
  $result.listenOnAllIPs = ($null -eq $listenAll) -or ([int]$listenAll -ne 0)
  $addresses = $null
  if ($result.listenOnAllIPs) {
    $addresses = 'IPAll'
  } elseif (Test-Path -LiteralPath $tcp) {
    foreach ($entry in @(Get-ChildItem -LiteralPath $tcp | Where-Object { $_.PSChildName -like 'IP*' -and $_.PSChildName -ne 'IPAll' })) {
      $values = Get-Values "$tcp\$($entry.PSChildName)"
      if (([string](Get-Value $values 'IpAddress') -in @('127.0.0.1', '::1')) -and ([int](Get-Value $values 'Enabled') -eq 1)) {
        $addresses = [string]$entry.PSChildName
        break
      }
    }
  }
  if ($addresses) {
    $values = Get-Values "$tcp\$addresses"
    $result.addresses = $addresses
    $result.tcpPort = [string](Get-Value $values 'TcpPort')
    $result.tcpDynamicPorts = [string](Get-Value $values 'TcpDynamicPorts')
  }
}
ConvertTo-Json -Compress -InputObject $result
