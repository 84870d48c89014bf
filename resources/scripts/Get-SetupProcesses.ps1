#Requires -Version 5.1
<#
  The processes a setup may have started, to wait for them all after its own process exits
  (InstallShield's setup.exe hands over to a copy of itself and exits): every process created
  since the setup started, with its parent's PID (Windows keeps it after the parent is gone), and
  every msiexec.exe whatever its age (the Windows Installer service's own, named on a timeout).
  The upgrade manager builds the setup's tree from these. Read-only.
  Parameters: { "since": "2026-11-27T18:02:11.000Z" }
  Output: { "processes": [ { "pid": 4242, "parentPid": 3140, "name": "setup.exe",
                             "created": "2026-11-27T18:02:12.1234567Z" } ] }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
# PowerShell 7's ConvertFrom-Json already made it a [datetime]; 5.1's leaves the text.
$since = $params.since
if ($since -isnot [datetime]) {
  $since = [datetime]::Parse([string]$since, [Globalization.CultureInfo]::InvariantCulture,
    [Globalization.DateTimeStyles]::AdjustToUniversal -bor [Globalization.DateTimeStyles]::AssumeUniversal)
}
$since = $since.ToUniversalTime()
# Two seconds of slack: the upgrade manager and Windows read the time at different moments.
$from = $since.AddSeconds(-2)

$list = New-Object System.Collections.Generic.List[object]
foreach ($p in @(Get-CimInstance -ClassName Win32_Process -Property ProcessId, ParentProcessId, Name, CreationDate)) {
  $created = $null
  if ($p.CreationDate) { $created = ([datetime]$p.CreationDate).ToUniversalTime() }
  $isMsiexec = [string]$p.Name -eq 'msiexec.exe'
  if (-not $isMsiexec -and ($null -eq $created -or $created -lt $from)) { continue }
  $createdText = $null
  if ($created) { $createdText = $created.ToString('o') }
  $list.Add([ordered]@{
      pid       = [int]$p.ProcessId
      parentPid = [int]$p.ParentProcessId
      name      = [string]$p.Name
      created   = $createdText
    })
}
ConvertTo-Json -Compress -Depth 3 -InputObject ([ordered]@{ processes = $list.ToArray() })
