#Requires -Version 5.1
<#
  Reads the CRM's <connectionStrings> when they are kept encrypted (aspnet_regiis -pe), in
  web.config itself or in the file its configSource attribute names, in memory only: the section
  is decrypted by its protection provider inside this process and nothing is written back.
  Parameters arrive as base64-encoded JSON, never pasted into script text:
    { "webConfigPath": "C:\\inetpub\\wwwroot\\CRM\\web.config" }
  Output: one JSON array of { name, connectionString, providerName } on stdout.
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'
# Without a console this can fail; the runner reads UTF-8 either way.
try { [Console]::OutputEncoding = [Text.Encoding]::UTF8 } catch { }

# The file <connectionStrings configSource="..."> names, resolved beside web.config; $null when the
# section is inline. System.Configuration refuses a file outside the folder too, but without saying
# which file or why: this names both.
function Get-ConfigSourceFile([string]$WebConfig) {
  $settings = New-Object System.Xml.XmlReaderSettings
  $settings.DtdProcessing = [System.Xml.DtdProcessing]::Prohibit
  $settings.XmlResolver = $null
  $stream = [IO.File]::OpenRead($WebConfig)
  try {
    $doc = New-Object System.Xml.XmlDocument
    $doc.Load([System.Xml.XmlReader]::Create($stream, $settings))
  } finally { $stream.Dispose() }
  # local-name(): old web.config files carry the .NetConfiguration/v2.0 namespace.
  $section = $doc.SelectSingleNode("/*[local-name()='configuration']/*[local-name()='connectionStrings']")
  if ($null -eq $section) { return $null }
  $source = $section.GetAttribute('configSource')
  if (-not $source) { return $null }
  $folder = [IO.Path]::GetDirectoryName($WebConfig).TrimEnd('\', '/') + [IO.Path]::DirectorySeparatorChar
  $file = [IO.Path]::GetFullPath([IO.Path]::Combine($folder, $source))
  if (-not $file.StartsWith($folder, [StringComparison]::OrdinalIgnoreCase)) {
    throw "configSource of <connectionStrings> leads outside the folder of web.config ($folder): $source"
  }
  return $file
}

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$webConfig = [IO.Path]::GetFullPath([string]$params.webConfigPath)
if (-not (Test-Path -LiteralPath $webConfig -PathType Leaf)) { throw "web.config not found: $webConfig" }
$configSource = Get-ConfigSourceFile $webConfig

Add-Type -AssemblyName System.Web
Add-Type -AssemblyName System.Configuration
$map = New-Object System.Web.Configuration.WebConfigurationFileMap
$folder = [IO.Path]::GetDirectoryName($webConfig)
$map.VirtualDirectories.Add('/', (New-Object System.Web.Configuration.VirtualDirectoryMapping($folder, $true, [IO.Path]::GetFileName($webConfig))))
$config = [System.Web.Configuration.WebConfigurationManager]::OpenMappedWebConfiguration($map, '/')
$section = $config.GetSection('connectionStrings')

# Only the entries web.config declares, itself or through its configSource file: not those
# inherited from machine.config (LocalSqlServer).
$ownSources = @($webConfig)
if ($configSource) { $ownSources += $configSource }
$entries = @($section.ConnectionStrings | Where-Object { $_.ElementInformation.Source -and ($ownSources -icontains $_.ElementInformation.Source) } |
    ForEach-Object { [pscustomobject]@{ name = $_.Name; connectionString = $_.ConnectionString; providerName = $_.ProviderName } })
ConvertTo-Json -InputObject $entries -Compress -Depth 3
