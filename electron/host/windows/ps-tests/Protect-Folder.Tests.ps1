# The backup folder: an existing one described, never changed; a missing one made only with its ACL.
# Real folders, files and links in TestDrive; Get-Acl mocked with a DirectorySecurity as Windows
# gives it (GetOwner, AreAccessRulesProtected, GetAccessRules of FileSystemAccessRule). On Linux,
# .NET refuses SecurityIdentifier, SID-to-name translation and DirectorySecurity outright
# (PlatformNotSupportedException), so the SIDs the script builds, and the names Windows would
# translate them to, are stand-ins here.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Protect-Folder.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  # The script's own SID-to-name lookup ($Sid.Translate): a stand-in for Mock to replace, since
  # no IdentityReference can be made on Linux to pass to the real one.
  function Get-AccountName($Sid) { }
  # Get-Acl is Windows-only in PowerShell 7: a stand-in with its parameter, for Mock to replace.
  if (-not (Get-Command Get-Acl -ErrorAction SilentlyContinue)) {
    function Get-Acl { [CmdletBinding()] param([string[]]$LiteralPath) }
  }
  $names = @{
    'S-1-5-32-544' = 'BUILTIN\Administrators'
    'S-1-5-18'     = 'NT AUTHORITY\SYSTEM'
    'S-1-5-32-545' = 'BUILTIN\Users'
  }
  function New-Sid([string]$Value) { [pscustomobject]@{ Value = $Value } }
  function New-Rule([string]$Sid, [Security.AccessControl.FileSystemRights]$Rights, [bool]$Inherited,
    [Security.AccessControl.AccessControlType]$Type = 'Allow') {
    [pscustomobject]@{
      IdentityReference = New-Sid $Sid
      FileSystemRights  = $Rights
      AccessControlType = $Type
      IsInherited       = $Inherited
      InheritanceFlags  = [Security.AccessControl.InheritanceFlags]'ContainerInherit, ObjectInherit'
      PropagationFlags  = [Security.AccessControl.PropagationFlags]::None
    }
  }
  function New-Acl([string]$Owner, [bool]$Protected, [object[]]$Rules) {
    $acl = [pscustomobject]@{ AreAccessRulesProtected = $Protected }
    $ownerSid = New-Sid $Owner
    $acl | Add-Member -MemberType ScriptMethod -Name GetOwner -Value { param($type) $ownerSid }.GetNewClosure()
    $acl | Add-Member -MemberType ScriptMethod -Name GetAccessRules -Value { param($explicit, $inherited, $type) $Rules }.GetNewClosure()
    $acl
  }
  $fields = @('path', 'created', 'exists', 'isDirectory', 'reparsePoint', 'aclUnreadable', 'inheritanceProtected', 'owner', 'rules')
}

Describe 'Protect-Folder' {
  BeforeEach {
    Mock New-Object { New-Sid $ArgumentList[0] } -ParameterFilter { $TypeName -eq 'Security.Principal.SecurityIdentifier' }
    Mock Get-AccountName { $names[$Sid.Value] }
  }

  It 'describes an existing folder, unchanged, with exactly the fields the schema reads' {
    $folder = Join-Path $TestDrive 'CrmUpgradeBackups'
    New-Item -ItemType Directory -Path $folder | Out-Null
    Mock Get-Acl {
      New-Acl 'S-1-5-32-544' $true @(
        (New-Rule 'S-1-5-32-544' 'FullControl' $false),
        (New-Rule 'S-1-5-18' 'FullControl' $false))
    } -ParameterFilter { $LiteralPath -eq $folder }

    $r = Invoke-Script @{ path = $folder }

    @($r.PSObject.Properties.Name) | Should -Be $fields
    $r.path | Should -BeExactly $folder
    $r.created | Should -BeFalse
    $r.exists | Should -BeTrue
    $r.isDirectory | Should -BeTrue
    $r.reparsePoint | Should -BeFalse
    $r.aclUnreadable | Should -BeFalse
    $r.inheritanceProtected | Should -BeTrue
    @($r.owner.PSObject.Properties.Name) | Should -Be @('sid', 'name')
    $r.owner.sid | Should -BeExactly 'S-1-5-32-544'
    $r.owner.name | Should -BeExactly 'BUILTIN\Administrators'
    $r.rules.Count | Should -Be 2
    @($r.rules[1].PSObject.Properties.Name) | Should -Be @('sid', 'name', 'allow', 'rights', 'inherited')
    $r.rules[1].sid | Should -BeExactly 'S-1-5-18'
    $r.rules[1].name | Should -BeExactly 'NT AUTHORITY\SYSTEM'
    $r.rules[1].allow | Should -BeTrue
    # FullControl as its number, which the caller compares.
    $r.rules[1].rights | Should -Be 2032127
    $r.rules[1].rights | Should -BeOfType [long]
    $r.rules[1].inherited | Should -BeFalse
    Should -Invoke Get-Acl -Times 1 -Exactly
  }

  It 'describes the rules that would make the caller refuse it: inherited, another owner, a deny' {
    $folder = Join-Path $TestDrive 'Shared'
    New-Item -ItemType Directory -Path $folder | Out-Null
    Mock Get-Acl {
      New-Acl 'S-1-5-32-545' $false @(
        (New-Rule 'S-1-5-32-545' 'ReadAndExecute, Synchronize' $true),
        (New-Rule 'S-1-5-18' 'Write' $false 'Deny'))
    }

    $r = Invoke-Script @{ path = $folder }

    $r.created | Should -BeFalse
    $r.inheritanceProtected | Should -BeFalse
    $r.owner.sid | Should -BeExactly 'S-1-5-32-545'
    $r.owner.name | Should -BeExactly 'BUILTIN\Users'
    $r.rules[0].rights | Should -Be 1179817
    $r.rules[0].inherited | Should -BeTrue
    $r.rules[0].allow | Should -BeTrue
    $r.rules[1].allow | Should -BeFalse
    $r.rules[1].rights | Should -Be 278
  }

  It 'flags a link as a reparse point and reads no ACL through it' {
    $target = Join-Path $TestDrive 'Elsewhere'
    New-Item -ItemType Directory -Path $target | Out-Null
    $link = Join-Path $TestDrive 'Link'
    New-Item -ItemType SymbolicLink -Path $link -Target $target | Out-Null
    Mock Get-Acl { throw 'Get-Acl must not be called for a link' }

    $r = Invoke-Script @{ path = $link }

    @($r.PSObject.Properties.Name) | Should -Be $fields
    $r.created | Should -BeFalse
    $r.exists | Should -BeTrue
    $r.isDirectory | Should -BeTrue
    $r.reparsePoint | Should -BeTrue
    $r.owner | Should -BeNullOrEmpty
    @($r.rules).Count | Should -Be 0
    Should -Invoke Get-Acl -Times 0 -Exactly
  }

  It 'describes a file in the way as no directory, and reads no ACL' {
    $file = Join-Path $TestDrive 'NotAFolder'
    Set-Content -LiteralPath $file -Value 'x'
    Mock Get-Acl { throw 'Get-Acl must not be called for a file' }

    $r = Invoke-Script @{ path = $file }

    $r.created | Should -BeFalse
    $r.exists | Should -BeTrue
    $r.isDirectory | Should -BeFalse
    $r.owner | Should -BeNullOrEmpty
    Should -Invoke Get-Acl -Times 0 -Exactly
  }

  It 'says so when the ACL cannot be read' {
    $folder = Join-Path $TestDrive 'Locked'
    New-Item -ItemType Directory -Path $folder | Out-Null
    Mock Get-Acl { throw [UnauthorizedAccessException]::new("Attempted to perform an unauthorized operation.") }

    $r = Invoke-Script @{ path = $folder }

    $r.exists | Should -BeTrue
    $r.aclUnreadable | Should -BeTrue
    $r.inheritanceProtected | Should -BeFalse
    $r.owner | Should -BeNullOrEmpty
    @($r.rules).Count | Should -Be 0
  }

  It 'makes no folder at all when its protected ACL cannot be built (fails closed)' {
    # On Windows, CreateDirectory(path, DirectorySecurity) makes it; here DirectorySecurity is
    # refused by .NET, and the script must stop rather than make it with the parent's rules.
    $folder = Join-Path $TestDrive 'Missing' 'CrmUpgradeBackups'

    { Invoke-Script @{ path = $folder } } | Should -Throw '*not supported on this platform*'
    Test-Path -LiteralPath (Join-Path $TestDrive 'Missing') | Should -BeFalse
  }
}
