# The CRM's <connectionStrings>, read from a real web.config in TestDrive by the real
# System.Configuration that PowerShell 7 ships. System.Web's WebConfigurationManager is .NET
# Framework only: a stand-in with its documented signatures (WebConfigurationFileMap,
# VirtualDirectoryMapping(physicalDirectory, isAppRoot, configFileBaseName),
# OpenMappedWebConfiguration(map, path)) opens the mapped file through ConfigurationManager.
# An encrypted section is decrypted by the real ProtectedConfigurationSection machinery through a
# test provider registered in <configProtectedData>, as aspnet_regiis's providers are in machine.config.
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
  if (-not ('CrmumTest.Base64ProtectedConfigurationProvider' -as [type])) {
    Add-Type -ReferencedAssemblies System.Configuration.ConfigurationManager, System.Xml.ReaderWriter, System.Xml.XPath, System.Collections.Specialized, System.Runtime -TypeDefinition @'
namespace CrmumTest {
  // Reversible stand-in for aspnet_regiis's providers: <EncryptedData><CipherValue> holds the
  // section's XML in base64. Decrypt gets the <EncryptedData> node, as the real providers do.
  public class Base64ProtectedConfigurationProvider : System.Configuration.ProtectedConfigurationProvider {
    public override System.Xml.XmlNode Decrypt(System.Xml.XmlNode encryptedNode) {
      var cipher = encryptedNode.SelectSingleNode("CipherValue").InnerText;
      var doc = new System.Xml.XmlDocument { PreserveWhitespace = true };
      doc.LoadXml(System.Text.Encoding.UTF8.GetString(System.Convert.FromBase64String(cipher)));
      return doc.DocumentElement;
    }
    public override System.Xml.XmlNode Encrypt(System.Xml.XmlNode node) {
      throw new System.NotSupportedException("the script only reads");
    }
  }
}
'@
  }
  $testProvider = [CrmumTest.Base64ProtectedConfigurationProvider].AssemblyQualifiedName
  function Protect-Section([string]$Xml) {
    $cipher = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($Xml))
    "<connectionStrings configProtectionProvider=`"TestProvider`">`n  <EncryptedData><CipherValue>$cipher</CipherValue></EncryptedData>`n</connectionStrings>"
  }
  function New-ConfigSourceFile([string]$Folder, [string]$Name, [string]$Section) {
    $path = Join-Path $Folder $Name
    Set-Content -LiteralPath $path -Encoding utf8 -Value "<?xml version=`"1.0`" encoding=`"utf-8`"?>`n$Section"
    $path
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

  It 'gives the connection strings of the file that configSource names, still without machine.config''s' {
    $folder = Join-Path $TestDrive 'Source'
    $path = New-WebConfig $folder '  <connectionStrings configSource="connections.config" />'
    New-ConfigSourceFile $folder 'connections.config' @'
<connectionStrings>
  <add name="CrmDb" connectionString="Data Source=SQL01;Initial Catalog=CRM;Integrated Security=True" providerName="System.Data.SqlClient" />
  <add name="Audit" connectionString="Server=SQL02;Database=Audit;Trusted_Connection=True" />
</connectionStrings>
'@ | Out-Null

    $r = Invoke-Script -NoEnumerate @{ webConfigPath = $path }

    $r -is [array] | Should -BeTrue
    @($r | ForEach-Object { $_.name }) | Should -Be @('CrmDb', 'Audit')
    $r[0].connectionString | Should -BeExactly 'Data Source=SQL01;Initial Catalog=CRM;Integrated Security=True'
    $r[0].providerName | Should -BeExactly 'System.Data.SqlClient'
    $r[1].connectionString | Should -BeExactly 'Server=SQL02;Database=Audit;Trusted_Connection=True'
  }

  It 'decrypts, in memory, the encrypted section of the file that configSource names' {
    $folder = Join-Path $TestDrive 'EncryptedSource'
    $path = New-WebConfig $folder @"
  <configProtectedData>
    <providers><add name="TestProvider" type="$testProvider" /></providers>
  </configProtectedData>
  <connectionStrings configSource="connections.config" />
"@
    $source = New-ConfigSourceFile $folder 'connections.config' (Protect-Section @'
<connectionStrings>
  <add name="CrmDb" connectionString="Data Source=SQL01;Initial Catalog=CRM;User ID=crm;Password=S3cret!" providerName="System.Data.SqlClient" />
</connectionStrings>
'@)
    Get-Content -LiteralPath $source -Raw | Should -Not -Match 'SQL01'

    $r = Invoke-Script -NoEnumerate @{ webConfigPath = $path }

    $r -is [array] | Should -BeTrue
    $r.Count | Should -Be 1
    $r[0].name | Should -BeExactly 'CrmDb'
    $r[0].connectionString | Should -BeExactly 'Data Source=SQL01;Initial Catalog=CRM;User ID=crm;Password=S3cret!'
    $r[0].providerName | Should -BeExactly 'System.Data.SqlClient'
    # Nothing written back: the file on disk stays encrypted.
    Get-Content -LiteralPath $source -Raw | Should -Not -Match 'SQL01'
  }

  It 'decrypts, in memory, an encrypted section inside web.config itself' {
    $body = "  <configProtectedData>`n    <providers><add name=`"TestProvider`" type=`"$testProvider`" /></providers>`n  </configProtectedData>`n" +
      (Protect-Section '<connectionStrings><add name="CrmDb" connectionString="Data Source=SQL03;Initial Catalog=CRM" /></connectionStrings>')
    $path = New-WebConfig (Join-Path $TestDrive 'EncryptedInline') $body

    $r = Invoke-Script -NoEnumerate @{ webConfigPath = $path }

    $r.Count | Should -Be 1
    $r[0].name | Should -BeExactly 'CrmDb'
    $r[0].connectionString | Should -BeExactly 'Data Source=SQL03;Initial Catalog=CRM'
  }

  It 'refuses a configSource outside the folder of web.config, naming it' {
    $folder = Join-Path $TestDrive 'Escape' 'CRM'
    $path = New-WebConfig $folder '  <connectionStrings configSource="../outside.config" />'
    New-ConfigSourceFile (Join-Path $TestDrive 'Escape') 'outside.config' @'
<connectionStrings><add name="Other" connectionString="Data Source=ELSEWHERE" /></connectionStrings>
'@ | Out-Null

    { Invoke-Script -NoEnumerate @{ webConfigPath = $path } } |
      Should -Throw "configSource of <connectionStrings> leads outside the folder of web.config (*): ../outside.config"
  }

  It 'fails, never giving an empty list, when the configSource file cannot be decrypted here' {
    # aspnet_regiis -pe output whose RSA key container exists only on the server that made it.
    $folder = Join-Path $TestDrive 'RsaSource'
    $path = New-WebConfig $folder '  <connectionStrings configSource="connections.config" />'
    New-ConfigSourceFile $folder 'connections.config' @'
<connectionStrings configProtectionProvider="RsaProtectedConfigurationProvider">
  <EncryptedData Type="http://www.w3.org/2001/04/xmlenc#Element" xmlns="http://www.w3.org/2001/04/xmlenc#">
    <EncryptionMethod Algorithm="http://www.w3.org/2001/04/xmlenc#aes256-cbc" />
    <CipherData><CipherValue>bm90IHJlYWwgY2lwaGVydGV4dA==</CipherValue></CipherData>
  </EncryptedData>
</connectionStrings>
'@ | Out-Null

    { Invoke-Script -NoEnumerate @{ webConfigPath = $path } } |
      Should -Throw "*Failed to decrypt using provider 'RsaProtectedConfigurationProvider'*connections.config*"
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
