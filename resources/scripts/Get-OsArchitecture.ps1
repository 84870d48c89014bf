#Requires -Version 5.1
<#
  The operating system's architecture, not this process's: a 32-bit process on 64-bit Windows
  sees PROCESSOR_ARCHITECTURE=x86 and the OS's own in PROCESSOR_ARCHITEW6432.
  Parameters: none ({}).
  Output: { "architecture": "AMD64", "is64BitOperatingSystem": true }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$arch = $env:PROCESSOR_ARCHITEW6432
if (-not $arch) { $arch = $env:PROCESSOR_ARCHITECTURE }
ConvertTo-Json -Compress -InputObject ([ordered]@{
    architecture           = [string]$arch
    is64BitOperatingSystem = [Environment]::Is64BitOperatingSystem
  })
