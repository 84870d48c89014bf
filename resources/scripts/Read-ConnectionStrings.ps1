#Requires -Version 5.1
<#
  Reads the CRM's <connectionStrings> when web.config keeps them encrypted (aspnet_regiis -pe),
  in memory only: the section is decrypted by its protection provider inside this process and
  nothing is written back. Parameters arrive as base64-encoded JSON, never pasted into script text:
    { "webConfigPath": "C:\\inetpub\\wwwroot\\CRM\\web.config" }
  Output: one JSON array of { name, connectionString, providerName } on stdout.
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'
# Without a console this can fail; the runner reads UTF-8 either way.
try { [Console]::OutputEncoding = [Text.Encoding]::UTF8 } catch { }

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$webConfig = [IO.Path]::GetFullPath([string]$params.webConfigPath)
if (-not (Test-Path -LiteralPath $webConfig -PathType Leaf)) { throw "web.config not found: $webConfig" }

Add-Type -AssemblyName System.Web
Add-Type -AssemblyName System.Configuration
$map = New-Object System.Web.Configuration.WebConfigurationFileMap
$folder = [IO.Path]::GetDirectoryName($webConfig)
$map.VirtualDirectories.Add('/', (New-Object System.Web.Configuration.VirtualDirectoryMapping($folder, $true, [IO.Path]::GetFileName($webConfig))))
$config = [System.Web.Configuration.WebConfigurationManager]::OpenMappedWebConfiguration($map, '/')
$section = $config.GetSection('connectionStrings')

# Only the entries this web.config declares, not those inherited from machine.config (LocalSqlServer).
$entries = @($section.ConnectionStrings | Where-Object { $_.ElementInformation.Source -and ($_.ElementInformation.Source -ieq $webConfig) } |
    ForEach-Object { [pscustomobject]@{ name = $_.Name; connectionString = $_.ConnectionString; providerName = $_.ProviderName } })
ConvertTo-Json -InputObject $entries -Compress -Depth 3
