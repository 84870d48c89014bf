#Requires -Version 5.1
<#
  Which of the given process IDs still belong to a running process, with its name and start time,
  so that a pool's worker processes (w3wp.exe) are followed until they are gone, and a PID that
  Windows has given to a later process is told apart (another name or another start time).
  Get-Process -Id finds a process without opening it; its start time may still be unreadable.
  Read-only.
  Parameters: { "pids": [4312, 5120] }
  Output: { "processes": [{ "pid": 4312, "name": "w3wp", "startTime": "2026-11-27T18:02:11.1234567Z" }] }
          (only the processes that exist; startTime null when it cannot be read)
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$found = New-Object System.Collections.Generic.List[object]
foreach ($id in @($params.pids)) {
  $process = Get-Process -Id ([int]$id) -ErrorAction SilentlyContinue
  if (-not $process) { continue }
  $startTime = $null
  # A getter that fails may throw (5.1) or give nothing (7): either way, null.
  try { $startTime = $process.StartTime.ToUniversalTime().ToString('o') } catch { $startTime = $null }
  $found.Add([ordered]@{ pid = [int]$process.Id; name = [string]$process.ProcessName; startTime = $startTime })
}
ConvertTo-Json -Compress -Depth 3 -InputObject ([ordered]@{ processes = $found.ToArray() })
