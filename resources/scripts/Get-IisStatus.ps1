#Requires -Version 5.1
<#
  Is IIS installed (the InetStp key) and is its Web service (W3SVC) there and running?
  The properties keep the names Get-ItemProperty and Get-Service give them.
  Parameters: none ({}).
  Output: { "inetStp": { "VersionString": "Version 10.0", "MajorVersion": 10, "MinorVersion": 0, ... } | null,
            "w3svc": { "Status": "Running", "StartType": "Automatic" } | null }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$inetStp = Get-ItemProperty -LiteralPath 'HKLM:\SOFTWARE\Microsoft\InetStp' -ErrorAction SilentlyContinue
$service = Get-Service -Name 'W3SVC' -ErrorAction SilentlyContinue
$iis = $null
if ($inetStp) {
  $iis = [ordered]@{
    VersionString = [string]$inetStp.VersionString
    MajorVersion  = $inetStp.MajorVersion
    MinorVersion  = $inetStp.MinorVersion
    SetupString   = [string]$inetStp.SetupString
    InstallPath   = [string]$inetStp.InstallPath
  }
}
$w3svc = $null
if ($service) { $w3svc = [ordered]@{ Status = [string]$service.Status; StartType = [string]$service.StartType } }
ConvertTo-Json -Compress -Depth 3 -InputObject ([ordered]@{ inetStp = $iis; w3svc = $w3svc })
