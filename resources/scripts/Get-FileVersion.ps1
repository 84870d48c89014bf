#Requires -Version 5.1
<#
  A file's Win32 version resource, as (Get-Item).VersionInfo shows it. FileVersion is the string
  the vendor wrote (it may carry text after the number, or parts above 65535); the *Part numbers
  are the binary fixed-info fields, 16 bits each.
  Parameters: { "path": "C:\\inetpub\\wwwroot\\CRM\\bin\\Crm.Web.dll" }
  Output: { "fileVersion": "7.8.5.13100517", "productVersion": "...", "fileMajorPart": 7, ... }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$info = (Get-Item -LiteralPath ([string]$params.path)).VersionInfo
ConvertTo-Json -Compress -InputObject ([ordered]@{
    fileVersion     = $info.FileVersion
    productVersion  = $info.ProductVersion
    fileMajorPart   = $info.FileMajorPart
    fileMinorPart   = $info.FileMinorPart
    fileBuildPart   = $info.FileBuildPart
    filePrivatePart = $info.FilePrivatePart
  })
