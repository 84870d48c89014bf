# A file's version resource through (Get-Item).VersionInfo, a System.Diagnostics.FileVersionInfo:
# FileVersion/ProductVersion are the vendor's strings (null when the file has no version
# resource), the *Part numbers the 16-bit fixed-info fields (0 when there is none).
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-FileVersion.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  # ConvertFrom-Json gives a JSON integer as [long] (the zod side wants z.number().int()).
  $fields = @('fileVersion', 'productVersion', 'fileMajorPart', 'fileMinorPart', 'fileBuildPart', 'filePrivatePart')
}

Describe 'Get-FileVersion' {
  It "gives the vendor's version string as written and the binary parts, for the literal path" {
    $dll = 'C:\inetpub\wwwroot\CRM [x64]\bin\Crm.Web.dll'
    Mock Get-Item {
      [pscustomobject]@{
        FullName    = $dll
        VersionInfo = [pscustomobject]@{
          FileName        = $dll
          FileVersion     = '7.8.5.13100517'
          ProductVersion  = '7.8.5 (build 13100517)'
          FileMajorPart   = 7
          FileMinorPart   = 8
          FileBuildPart   = 5
          FilePrivatePart = 58341
        }
      }
    }
    $r = Invoke-Script @{ path = $dll }
    Should -Invoke Get-Item -Times 1 -Exactly -ParameterFilter { $LiteralPath -eq $dll }
    $r.PSObject.Properties.Name | Should -Be $fields
    $r.fileVersion | Should -BeExactly '7.8.5.13100517'
    $r.productVersion | Should -BeExactly '7.8.5 (build 13100517)'
    $r.fileMajorPart | Should -BeOfType [long]
    $r.fileMajorPart | Should -Be 7
    $r.fileMinorPart | Should -Be 8
    $r.fileBuildPart | Should -Be 5
    $r.filePrivatePart | Should -BeOfType [long]
    $r.filePrivatePart | Should -Be 58341
  }

  It 'reads a real version resource (this PowerShell''s own assembly)' {
    $r = Invoke-Script @{ path = [psobject].Assembly.Location }
    $r.fileVersion | Should -BeLike "$($PSVersionTable.PSVersion.Major).$($PSVersionTable.PSVersion.Minor).*"
    $r.fileMajorPart | Should -Be $PSVersionTable.PSVersion.Major
    $r.fileMinorPart | Should -Be $PSVersionTable.PSVersion.Minor
  }

  It 'gives null strings and zero parts for a file without a version resource' {
    $txt = Join-Path $TestDrive 'web [1].config'
    Set-Content -LiteralPath $txt -Value '<configuration />'
    $r = Invoke-Script @{ path = $txt }
    $r.PSObject.Properties.Name | Should -Be $fields
    $r.fileVersion | Should -BeNullOrEmpty
    $r.productVersion | Should -BeNullOrEmpty
    foreach ($p in 'fileMajorPart', 'fileMinorPart', 'fileBuildPart', 'filePrivatePart') {
      $r.$p | Should -BeOfType [long]
      $r.$p | Should -Be 0
    }
  }

  It 'stops with an error when the file does not exist' {
    $missing = Join-Path $TestDrive 'no-such.dll'
    $b64 = ConvertTo-ParamsBase64 @{ path = $missing }
    { & $script -ParamsBase64 $b64 } | Should -Throw -ExceptionType ([Management.Automation.ItemNotFoundException])
  }
}
