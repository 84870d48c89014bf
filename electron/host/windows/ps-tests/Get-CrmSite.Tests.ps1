# The CRM's IIS site: `New-Object Microsoft.Web.Administration.ServerManager` mocked with a
# ServerManager shaped as Microsoft.Web.Administration documents it (Sites > Site: Name, Id, State,
# Applications > Application: Path, ApplicationPoolName, VirtualDirectories > VirtualDirectory: Path,
# PhysicalPath; Bindings > Binding: Protocol, BindingInformation; Dispose()).
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-CrmSite.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  # IISAdministration exists only on Windows Server 2016+: a stand-in for Mock to replace. Its
  # ServerManager is cached for the session, so the script must never ask it.
  if (-not (Get-Command Get-IISServerManager -ErrorAction SilentlyContinue)) {
    function Get-IISServerManager { [CmdletBinding()] param() }
  }

  function New-App([string]$Path, [string]$Pool, [string]$PhysicalPath) {
    [pscustomobject]@{
      Path                = $Path
      ApplicationPoolName = $Pool
      VirtualDirectories  = @([pscustomobject]@{ Path = '/'; PhysicalPath = $PhysicalPath })
    }
  }
  function New-Site([string]$Name, [long]$Id, [object[]]$Applications, [object[]]$Bindings, [string]$State = 'Started') {
    [pscustomobject]@{
      Name         = $Name
      Id           = $Id
      State        = $State
      Applications = $Applications
      Bindings     = $Bindings
    }
  }
  function New-Binding([string]$Protocol, [string]$Information) {
    [pscustomobject]@{ Protocol = $Protocol; BindingInformation = $Information }
  }
  # Each `New-Object ServerManager` a manager of its own over the sites as they are at that moment
  # (a scriptblock, read afresh), counted when made and when disposed.
  function Set-Sites([object[]]$Sites) { Set-SitesFrom { $Sites }.GetNewClosure() }
  function Set-SitesFrom([scriptblock]$Read) {
    $counts = @{ made = 0; disposed = 0 }
    $script:managers = $counts
    Mock Get-IISServerManager { throw 'Get-IISServerManager: a ServerManager cached for the session' }
    Mock New-Object {
      $counts.made++
      $manager = [pscustomobject]@{ Sites = @(& $Read) }
      Add-Member -InputObject $manager -MemberType ScriptMethod -Name Dispose -Value { $counts.disposed++ }
      $manager
    }.GetNewClosure() -ParameterFilter { $TypeName -eq 'Microsoft.Web.Administration.ServerManager' }
  }

  $defaultSite = New-Site 'Default Web Site' 1 @(New-App '/' 'DefaultAppPool' '%SystemDrive%\inetpub\wwwroot') @(New-Binding 'http' '*:80:')
  $crmSite = New-Site 'CRM' 2 @(
    (New-App '/' 'CRMAppPool' '%SystemDrive%\inetpub\wwwroot\CRM'),
    (New-App '/Api' 'CRMApiPool' 'D:\CRM\Api'),
    (New-App '/Reports' 'CRMAppPool' 'D:\CRM\Reports')
  ) @((New-Binding 'http' '*:80:crm.contoso.com'), (New-Binding 'https' '*:443:crm.contoso.com'))
}

Describe 'Get-CrmSite' {
  BeforeEach {
    # The module by absolute path under $PSHOME, which Linux lacks: present, and its import a no-op.
    Mock Test-Path { $true } -ParameterFilter { $LiteralPath -like '*\Modules\IISAdministration' }
    Mock Import-Module { } -ParameterFilter { "$Name" -like '*\Modules\IISAdministration' }
    $savedDrive = $env:SystemDrive
    $env:SystemDrive = 'C:'
    $savedWindir = $env:windir
    $env:windir = 'C:\Windows'
  }
  AfterEach {
    $env:SystemDrive = $savedDrive
    $env:windir = $savedWindir
  }

  It 'describes the site with exactly the fields the schema reads: its app pools, bindings and expanded path' {
    Set-Sites @($defaultSite, $crmSite)

    $r = Invoke-Script @{ siteName = 'CRM'; appPath = '/' }

    @($r.PSObject.Properties.Name) | Should -Be @('found', 'name', 'id', 'state', 'applicationPath', 'physicalPath',
      'physicalPathExpanded', 'applicationPools', 'bindings')
    $r.found | Should -BeTrue
    $r.name | Should -BeExactly 'CRM'
    $r.id | Should -Be 2
    $r.state | Should -BeExactly 'Started'
    $r.applicationPath | Should -BeExactly '/'
    $r.physicalPath | Should -BeExactly '%SystemDrive%\inetpub\wwwroot\CRM'
    $r.physicalPathExpanded | Should -BeExactly 'C:\inetpub\wwwroot\CRM'
    # The application's own pool first, then each sub-application's, once.
    @($r.applicationPools) | Should -Be @('CRMAppPool', 'CRMApiPool')
    $r.bindings.Count | Should -Be 2
    @($r.bindings[0].PSObject.Properties.Name) | Should -Be @('protocol', 'bindingInformation')
    $r.bindings[0].protocol | Should -BeExactly 'http'
    $r.bindings[0].bindingInformation | Should -BeExactly '*:80:crm.contoso.com'
    $r.bindings[1].protocol | Should -BeExactly 'https'
    $r.bindings[1].bindingInformation | Should -BeExactly '*:443:crm.contoso.com'
    Should -Invoke Import-Module -Times 1 -Exactly -ParameterFilter { "$Name" -like '*\Modules\IISAdministration' }
    Should -Invoke Get-IISServerManager -Times 0 -Exactly
    $script:managers.made | Should -Be 1
    $script:managers.disposed | Should -Be 1
  }

  It 'reads a new ServerManager on each call, so a path a setup changed reads as it is now' {
    # applicationHost.config before the setup, then after it moved the site to another folder.
    $configs = New-Object System.Collections.Queue
    $configs.Enqueue(@($defaultSite, (New-Site 'CRM' 2 @(New-App '/' 'CRMAppPool' 'D:\CRM\7.8.4') @(New-Binding 'http' '*:80:'))))
    $configs.Enqueue(@($defaultSite, (New-Site 'CRM' 2 @(New-App '/' 'CRMAppPool' 'D:\CRM\7.8.5') @(New-Binding 'http' '*:80:'))))
    Set-SitesFrom { $configs.Dequeue() }.GetNewClosure()

    (Invoke-Script @{ siteName = 'CRM'; appPath = '/' }).physicalPath | Should -BeExactly 'D:\CRM\7.8.4'
    (Invoke-Script @{ siteName = 'CRM'; appPath = '/' }).physicalPath | Should -BeExactly 'D:\CRM\7.8.5'

    Should -Invoke New-Object -Times 2 -Exactly -ParameterFilter { $TypeName -eq 'Microsoft.Web.Administration.ServerManager' }
    Should -Invoke Get-IISServerManager -Times 0 -Exactly
    $script:managers.made | Should -Be 2
    $script:managers.disposed | Should -Be 2
  }

  It 'disposes the ServerManager also when it answers found=false or fails' {
    Set-Sites @($defaultSite, $crmSite, (New-Site 'CRM-Test' 3 @(New-App '/' 'TestPool' 'E:\Test') @()))

    (Invoke-Script @{ siteName = 'Nope'; appPath = '/' }).found | Should -BeFalse
    { Invoke-Script @{ siteName = 'CRM*'; appPath = '/' } } | Should -Throw
    $script:managers.disposed | Should -Be 2
  }

  It 'loads Microsoft.Web.Administration from inetsrv where IISAdministration is missing (Server 2012 R2)' {
    Mock Test-Path { $false } -ParameterFilter { $LiteralPath -like '*\Modules\IISAdministration' }
    Mock Add-Type { } -ParameterFilter { $LiteralPath -like '*\System32\inetsrv\Microsoft.Web.Administration.dll' }
    Set-Sites @($crmSite)

    (Invoke-Script @{ siteName = 'CRM'; appPath = '/' }).found | Should -BeTrue

    Should -Invoke Add-Type -Times 1 -Exactly
    Should -Invoke Import-Module -Times 0 -Exactly -ParameterFilter { "$Name" -like '*\Modules\IISAdministration' }
    $script:managers.made | Should -Be 1
  }

  It 'gives the state Unknown when reading it fails (W3SVC stopped), never an empty one' {
    $stopped = New-Site 'CRM' 2 @(New-App '/' 'CRMAppPool' 'D:\CRM') @(New-Binding 'http' '*:80:')
    $stopped.PSObject.Properties.Remove('State')
    # The getter asks W3SVC, and fails while it is stopped.
    Add-Member -InputObject $stopped -MemberType ScriptProperty -Name State -Value {
      throw [Runtime.InteropServices.COMException]::new('The object identifier does not represent a valid object.')
    }
    Set-Sites @($stopped)

    $r = Invoke-Script @{ siteName = 'CRM'; appPath = '/' }

    $r.found | Should -BeTrue
    $r.state | Should -BeExactly 'Unknown'
  }

  It 'gives found=false, and nothing else, when no site has that name' {
    Set-Sites @($defaultSite, $crmSite)

    $r = Invoke-Script @{ siteName = 'CRM2'; appPath = '/' }

    @($r.PSObject.Properties.Name) | Should -Be @('found')
    $r.found | Should -BeFalse
  }

  It 'gives found=false with the site name when the site lacks the application' {
    Set-Sites @($defaultSite, $crmSite)

    $r = Invoke-Script @{ siteName = 'CRM'; appPath = '/Missing' }

    @($r.PSObject.Properties.Name) | Should -Be @('found', 'name')
    $r.found | Should -BeFalse
    $r.name | Should -BeExactly 'CRM'
  }

  It 'takes a sub-application, matched case-insensitively, with only its own and deeper pools' {
    Set-Sites @($defaultSite, $crmSite)

    $r = Invoke-Script @{ siteName = 'CRM'; appPath = '/api' }

    $r.found | Should -BeTrue
    $r.applicationPath | Should -BeExactly '/Api'
    $r.physicalPath | Should -BeExactly 'D:\CRM\Api'
    $r.physicalPathExpanded | Should -BeExactly 'D:\CRM\Api'
    @($r.applicationPools) | Should -Be @('CRMApiPool')
  }

  It 'matches a * pattern when one site fits, and takes every other character literally' {
    $prod = New-Site 'CRM.Prod' 7 @(New-App '/' 'ProdPool' 'E:\Prod') @(New-Binding 'http' '*:8080:')
    $lookalike = New-Site 'CRMxProd' 8 @(New-App '/' 'OtherPool' 'E:\Other') @(New-Binding 'http' '*:8081:')
    Set-Sites @($defaultSite, $prod, $lookalike)

    $r = Invoke-Script @{ siteName = 'CRM.P*'; appPath = '/' }

    $r.found | Should -BeTrue
    $r.name | Should -BeExactly 'CRM.Prod'
    $r.id | Should -Be 7
    # One pool and one binding stay arrays.
    @($r.applicationPools) | Should -Be @('ProdPool')
    $r.applicationPools -is [array] | Should -BeTrue
    $r.bindings -is [array] | Should -BeTrue
    $r.bindings[0].bindingInformation | Should -BeExactly '*:8080:'
  }

  It 'refuses a pattern that matches more than one site' {
    Set-Sites @($defaultSite, $crmSite, (New-Site 'CRM-Test' 3 @(New-App '/' 'TestPool' 'E:\Test') @()))

    { Invoke-Script @{ siteName = 'CRM*'; appPath = '/' } } | Should -Throw "More than one IIS site matches 'CRM*': CRM, CRM-Test"
  }
}
