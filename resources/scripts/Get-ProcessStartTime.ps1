#Requires -Version 5.1
<#
  When a process started, to tell the run lock's owner from an unrelated process that was given
  the same PID later. Read-only.
  Parameters: { "pid": 1234 }
  Output: { "startTime": "2026-11-27T18:02:11.1234567Z" }, or { "startTime": null } when no
  process has that PID (or its start time cannot be read).
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$process = Get-Process -Id ([int]$params.pid) -ErrorAction SilentlyContinue
$startTime = $null
if ($process) {
  try { $startTime = $process.StartTime.ToUniversalTime().ToString('o') } catch { $startTime = $null }
}
ConvertTo-Json -Compress -InputObject ([ordered]@{ startTime = $startTime })
