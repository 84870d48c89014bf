#Requires -Version 5.1
<#
  Is this PowerShell (and so the upgrade manager that started it) running elevated?
  Under UAC, IsInRole(Administrator) is true only for the full (elevated) token, not for a
  member of Administrators running with the filtered one.
  Parameters: none ({}); the argument is taken so every script is invoked the same way.
  Output: { "elevated": true, "user": "DOMINIO\\admin" }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$identity = [Security.Principal.WindowsIdentity]::GetCurrent()
$principal = New-Object Security.Principal.WindowsPrincipal($identity)
$elevated = $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)
ConvertTo-Json -Compress -InputObject ([ordered]@{ elevated = [bool]$elevated; user = [string]$identity.Name })
