#Requires -Version 5.1
<#
  Windows' usual pending-reboot markers, read-only:
    CBS                          Component Based Servicing\RebootPending (key present)
    WindowsUpdate                WindowsUpdate\Auto Update\RebootRequired (key present)
    PendingFileRenameOperations  Session Manager value, not empty
    ComputerNameChange           the active computer name differs from the one set for the next boot
  Parameters: none ({}).
  Output: { "reasons": ["CBS", "PendingFileRenameOperations"] }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$reasons = New-Object System.Collections.Generic.List[string]
if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Component Based Servicing\RebootPending') {
  $reasons.Add('CBS')
}
if (Test-Path -LiteralPath 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\WindowsUpdate\Auto Update\RebootRequired') {
  $reasons.Add('WindowsUpdate')
}
$sessionManager = Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\Session Manager' -ErrorAction SilentlyContinue
if ($sessionManager -and $sessionManager.PSObject.Properties['PendingFileRenameOperations'] -and
  @($sessionManager.PendingFileRenameOperations | Where-Object { $_ }).Count -gt 0) {
  $reasons.Add('PendingFileRenameOperations')
}
$active = Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\ComputerName\ActiveComputerName' -ErrorAction SilentlyContinue
$next = Get-ItemProperty -LiteralPath 'HKLM:\SYSTEM\CurrentControlSet\Control\ComputerName\ComputerName' -ErrorAction SilentlyContinue
if ($active -and $next -and ([string]$active.ComputerName -ne [string]$next.ComputerName)) {
  $reasons.Add('ComputerNameChange')
}
ConvertTo-Json -Compress -InputObject ([ordered]@{ reasons = $reasons.ToArray() })
