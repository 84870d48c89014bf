#Requires -Version 5.1
<#
  The CRM's IIS site by name (or a pattern with * wildcards, which must match one site only): the application, its physical path (environment variables such as
  %SystemDrive% expanded), the application pools it and its sub-applications use, and the bindings.
  Read-only, through a new Microsoft.Web.Administration.ServerManager on each call, disposed at
  the end: it reads applicationHost.config as it is now. IISAdministration's Get-IISServerManager
  is not used: it hands back one ServerManager cached for the session, which in the app's
  persistent session would still show a path as it was before a setup changed it. The assembly
  comes from IISAdministration where the module exists (Server 2016+), from inetsrv otherwise.
  Get-Website is not used: its -Name is ignored on some IIS versions and every site comes back.
  Parameters: { "siteName": "CRM", "appPath": "/" }
  Output: { "found": false } or
          { "found": true, "name", "id", "state", "applicationPath", "physicalPath", "physicalPathExpanded",
            "applicationPools": [..], "bindings": [{ "protocol", "bindingInformation" }] }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$siteName = [string]$params.siteName
$appPath = [string]$params.appPath
if (-not $appPath) { $appPath = '/' }

# By absolute path, from this PowerShell's own folder: a name would be looked up through
# PSModulePath, which can include a user's Documents folder.
$iisAdministration = $PSHOME + '\Modules\IISAdministration'
if (Test-Path -LiteralPath $iisAdministration -PathType Container) {
  Import-Module -Name $iisAdministration
} else {
  Add-Type -LiteralPath ($env:windir + '\System32\inetsrv\Microsoft.Web.Administration.dll')
}
$manager = New-Object -TypeName Microsoft.Web.Administration.ServerManager
try {
  # '*' is the only wildcard: every other character of the name is taken literally.
  $pattern = '^' + ([regex]::Escape($siteName) -replace '\\\*', '.*') + '$'
  $matching = @($manager.Sites | Where-Object { $_.Name -match $pattern })
  if ($matching.Count -gt 1) {
    throw ("More than one IIS site matches '{0}': {1}" -f $siteName, (($matching | ForEach-Object { $_.Name }) -join ', '))
  }
  $site = $matching | Select-Object -First 1
  if (-not $site) { ConvertTo-Json -Compress -InputObject ([ordered]@{ found = $false }); return }
  $app = @($site.Applications | Where-Object { $_.Path -ieq $appPath }) | Select-Object -First 1
  if (-not $app) { ConvertTo-Json -Compress -InputObject ([ordered]@{ found = $false; name = [string]$site.Name }); return }

  $root = @($app.VirtualDirectories | Where-Object { $_.Path -eq '/' }) | Select-Object -First 1
  $physical = [string]$root.PhysicalPath
  $prefix = $app.Path.TrimEnd('/') + '/'
  $pools = New-Object System.Collections.Generic.List[string]
  $pools.Add([string]$app.ApplicationPoolName)
  foreach ($sub in $site.Applications) {
    if ($sub.Path.StartsWith($prefix, [StringComparison]::OrdinalIgnoreCase) -and -not $pools.Contains([string]$sub.ApplicationPoolName)) {
      $pools.Add([string]$sub.ApplicationPoolName)
    }
  }
  # Site.State asks W3SVC: while it is stopped the getter fails, which 5.1 throws and 7 turns
  # into an empty value. Either is 'Unknown'.
  $state = $null
  try { $state = [string]$site.State } catch { $state = $null }
  if (-not $state) { $state = 'Unknown' }
  $bindings = @($site.Bindings | ForEach-Object { [ordered]@{ protocol = [string]$_.Protocol; bindingInformation = [string]$_.BindingInformation } })

  ConvertTo-Json -Compress -Depth 4 -InputObject ([ordered]@{
      found                = $true
      name                 = [string]$site.Name
      id                   = [long]$site.Id
      state                = $state
      applicationPath      = [string]$app.Path
      physicalPath         = $physical
      physicalPathExpanded = [Environment]::ExpandEnvironmentVariables($physical)
      applicationPools     = $pools.ToArray()
      bindings             = $bindings
    })
} finally {
  $manager.Dispose()
}
