# The CRM's <connectionStrings>, read from a real web.config in TestDrive by the real
# System.Configuration that PowerShell 7 ships. System.Web's WebConfigurationManager is .NET
# Framework only: a stand-in with its documented signatures (WebConfigurationFileMap,
# VirtualDirectoryMapping(physicalDirectory, isAppRoot, configFileBaseName),
# OpenMappedWebConfiguration(map, path)) opens the mapped file through ConfigurationManager.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Read-ConnectionStrings.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  if (-not ('System.Web.Configuration.WebConfigurationManager' -as [type])) {
    Add-Type -ReferencedAssemblies System.Configuration.ConfigurationManager, System.Collections, System.Runtime -TypeDefinition @'
namespace System.Web.Configuration {
  public class VirtualDirectoryMapping {
    public string PhysicalDirectory; public bool IsAppRoot; public string ConfigFileBaseName;
    public VirtualDirectoryMapping(string physicalDirectory, bool isAppRoot, string configFileBaseName) {
      PhysicalDirectory = physicalDirectory; IsAppRoot = isAppRoot; ConfigFileBaseName = configFileBaseName;
    }
  }
  public class WebConfigurationFileMap {
    public System.Collections.Generic.Dictionary<string, VirtualDirectoryMapping> VirtualDirectories =
      new System.Collections.Generic.Dictionary<string, VirtualDirectoryMapping>();
  }
  public static class WebConfigurationManager {
    public static System.Configuration.Configuration OpenMappedWebConfiguration(WebConfigurationFileMap map, string path) {
      var m = map.VirtualDirectories[path];
      var exe = new System.Configuration.ExeConfigurationFileMap {
        ExeConfigFilename = System.IO.Path.Combine(m.PhysicalDirectory, m.ConfigFileBaseName) };
      return System.Configuration.ConfigurationManager.OpenMappedExeConfiguration(exe, System.Configuration.ConfigurationUserLevel.None);
    }
  }
}
'@
  }
  function New-WebConfig([string]$Folder, [string]$Body) {
    New-Item -ItemType Directory -Path $Folder -Force | Out-Null
    $path = Join-Path $Folder 'web.config'
    Set-Content -LiteralPath $path -Encoding utf8 -Value "<?xml version=`"1.0`" encoding=`"utf-8`"?>`n<configuration>`n$Body`n</configuration>"
    $path
  }
}

Describe 'Read-ConnectionStrings' {
  It 'gives each connection string the web.config declares, with exactly the fields the schema reads' {
    $path = New-WebConfig (Join-Path $TestDrive 'CRM') @'
  <connectionStrings>
    <add name="CrmDb" connectionString="Data Source=SQL01;Initial Catalog=CRM;Integrated Security=True" providerName="System.Data.SqlClient" />
    <add name="Audit" connectionString="Server=SQL02;Database=Audit;Trusted_Connection=True" />
  </connectionStrings>
'@

    $r = Invoke-Script -NoEnumerate @{ webConfigPath = $path }

    $r -is [array] | Should -BeTrue
    $r.Count | Should -Be 2
    @($r[0].PSObject.Properties.Name) | Should -Be @('name', 'connectionString', 'providerName')
    $r[0].name | Should -BeExactly 'CrmDb'
    $r[0].connectionString | Should -BeExactly 'Data Source=SQL01;Initial Catalog=CRM;Integrated Security=True'
    $r[0].providerName | Should -BeExactly 'System.Data.SqlClient'
    $r[1].name | Should -BeExactly 'Audit'
    $r[1].connectionString | Should -BeExactly 'Server=SQL02;Database=Audit;Trusted_Connection=True'
    $r[1].providerName | Should -BeNullOrEmpty
  }

  It 'gives an empty array when web.config has no connection strings' {
    $path = New-WebConfig (Join-Path $TestDrive 'Empty') '  <appSettings><add key="x" value="y" /></appSettings>'

    $r = Invoke-Script -NoEnumerate @{ webConfigPath = $path }

    $r -is [array] | Should -BeTrue
    $r.Count | Should -Be 0
  }

  It 'refuses a web.config that is not there, by its full path' {
    $path = Join-Path $TestDrive 'Nowhere' 'web.config'

    { Invoke-Script -NoEnumerate @{ webConfigPath = $path } } | Should -Throw "web.config not found: $path"
  }

  It 'fails, never giving an empty list, when the encrypted section cannot be decrypted' {
    # aspnet_regiis -pe output; its RSA key container exists only on the server that made it.
    $path = New-WebConfig (Join-Path $TestDrive 'Encrypted') @'
  <connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">
    <EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns="http://www.w3.org/2001/04/xmlenc#">
      <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc" />
      <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#">
        <EncryptedKey xmlns="http://www.w3.org/2001/04/xmlenc#">
          <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#rsa-oaep-mgf1p" />
          <KeyInfo xmlns="http://www.w3.org/2000/09/xmldsig#"><KeyName>Rsa Key</KeyName></KeyInfo>
          <CipherData><CipherValue>bm90IGEgcmVhbCBrZXk=</CipherValue></CipherData>
        </EncryptedKey>
      </KeyInfo>
      <CipherData><CipherValue>bm90IHJlYWwgY2lwaGVydGV4dA==</CipherValue></CipherData>
    </EncryptedData>
  </connectionStrings>
'@

    { Invoke-Script -NoEnumerate @{ webConfigPath = $path } } | Should -Throw
  }
}
