#Requires -Version 5.1
<#
  A folder for Administrators and SYSTEM only: made when it is missing, described when it exists.
  Made: owner Administrators; Full Control for Administrators (S-1-5-32-544) and SYSTEM (S-1-5-18)
  on the folder, its subfolders and its files; nothing inherited from the parent. All of it is
  given to the one CreateDirectory call, so the folder never exists, even for a moment, with the
  parent's rules (C:\ lets Authenticated Users modify what is made in it). Missing parents are
  made the same way.
  An existing folder is never changed, only described: the upgrade manager refuses it when it is
  a link or junction, has another owner or lets anyone else in (host/windows/protected-folder.ts).
  Its attributes are read without following a reparse point, and its ACL only when it is none.
  Parameters: { "path": "C:\\CrmUpgradeBackups" } (a full path, checked by the caller).
  Output: { "path": "C:\\CrmUpgradeBackups", "created": true, "exists": true, "isDirectory": true,
            "reparsePoint": false, "aclUnreadable": false, "inheritanceProtected": true,
            "owner": { "sid": "S-1-5-32-544", "name": "BUILTIN\\Administrators" },
            "rules": [{ "sid": "S-1-5-18", "name": "NT AUTHORITY\\SYSTEM", "allow": true,
                        "rights": 2032127, "inherited": false }] }
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$params = [Text.Encoding]::UTF8.GetString([Convert]::FromBase64String($ParamsBase64)) | ConvertFrom-Json
$folder = [string]$params.path
$administrators = New-Object Security.Principal.SecurityIdentifier 'S-1-5-32-544'
$localSystem = New-Object Security.Principal.SecurityIdentifier 'S-1-5-18'

# GetFileAttributes describes a link or junction itself, never its target; $null when nothing is there.
function Get-OwnAttributes([string]$Path) {
  try { return [IO.File]::GetAttributes($Path) }
  catch [IO.FileNotFoundException], [IO.DirectoryNotFoundException] { return $null }
}

function Get-AccountName([Security.Principal.IdentityReference]$Sid) {
  try { return $Sid.Translate([Security.Principal.NTAccount]).Value } catch { return $Sid.Value }
}

function New-ProtectedSecurity {
  $security = New-Object Security.AccessControl.DirectorySecurity
  $security.SetOwner($administrators)
  $security.SetAccessRuleProtection($true, $false)
  $inherit = [Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
  foreach ($sid in @($administrators, $localSystem)) {
    $rule = New-Object Security.AccessControl.FileSystemAccessRule($sid,
      [Security.AccessControl.FileSystemRights]::FullControl, $inherit,
      [Security.AccessControl.PropagationFlags]::None, [Security.AccessControl.AccessControlType]::Allow)
    $security.AddAccessRule($rule)
  }
  return $security
}

$created = $false
$attributes = Get-OwnAttributes $folder
if ($null -eq $attributes) {
  [void][IO.Directory]::CreateDirectory($folder, (New-ProtectedSecurity))
  $created = $true
  $attributes = Get-OwnAttributes $folder
}

$out = [ordered]@{
  path = $folder; created = $created; exists = ($null -ne $attributes); isDirectory = $false
  reparsePoint = $false; aclUnreadable = $false; inheritanceProtected = $false; owner = $null; rules = @()
}
if ($null -ne $attributes) {
  $out.isDirectory = [bool]($attributes -band [IO.FileAttributes]::Directory)
  $out.reparsePoint = [bool]($attributes -band [IO.FileAttributes]::ReparsePoint)
}
if ($out.isDirectory -and -not $out.reparsePoint) {
  try { $acl = Get-Acl -LiteralPath $folder } catch [UnauthorizedAccessException] { $acl = $null }
  if ($null -eq $acl) { $out.aclUnreadable = $true }
  else {
    $owner = $acl.GetOwner([Security.Principal.SecurityIdentifier])
    $out.owner = [ordered]@{ sid = [string]$owner.Value; name = (Get-AccountName $owner) }
    $out.inheritanceProtected = [bool]$acl.AreAccessRulesProtected
    $out.rules = @($acl.GetAccessRules($true, $true, [Security.Principal.SecurityIdentifier]) | ForEach-Object {
        [ordered]@{
          sid = [string]$_.IdentityReference.Value; name = (Get-AccountName $_.IdentityReference)
          allow = ($_.AccessControlType -eq [Security.AccessControl.AccessControlType]::Allow)
          rights = [long]$_.FileSystemRights; inherited = [bool]$_.IsInherited
        }
      })
  }
}
ConvertTo-Json -Compress -Depth 4 -InputObject $out
