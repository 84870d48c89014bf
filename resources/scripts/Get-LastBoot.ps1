#Requires -Version 5.1
<#
  When Windows last started: a setup that needs a restart (3010) or has started one (1641)
  makes the run wait until this changes. Read-only.
  Parameters: none ({}).
  Output: { "lastBoot": "2026-11-27T06:12:44.5000000Z" }, or { "lastBoot": null } when it cannot be read.
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$lastBoot = $null
$os = Get-CimInstance -ClassName Win32_OperatingSystem -Property LastBootUpTime -ErrorAction SilentlyContinue
if ($os -and $os.LastBootUpTime) {
  $lastBoot = ([datetime]$os.LastBootUpTime).ToUniversalTime().ToString('o')
}
ConvertTo-Json -Compress -InputObject ([ordered]@{ lastBoot = $lastBoot })
