#Requires -Version 5.1
<#
  The local fixed drives that are ready, with their room: where a backup may go.
  Node's fs.statfs gives a volume's free space but cannot tell a fixed disk from a USB stick or
  a network share; [IO.DriveInfo] can, without WMI.
  Parameters: none ({}).
  Output: { "drives": [{ "name": "C:\\", "freeBytes": 123, "totalBytes": 456, "format": "NTFS" }] }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$drives = @([IO.DriveInfo]::GetDrives() | Where-Object { $_.DriveType -eq [IO.DriveType]::Fixed -and $_.IsReady } | ForEach-Object {
    [ordered]@{ name = [string]$_.Name; freeBytes = [long]$_.AvailableFreeSpace; totalBytes = [long]$_.TotalSize; format = [string]$_.DriveFormat }
  })
ConvertTo-Json -Compress -Depth 3 -InputObject ([ordered]@{ drives = $drives })
