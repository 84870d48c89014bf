# The OS's architecture from the environment Windows gives a process (PROCESSOR_ARCHITEW6432 is set
# only in a 32-bit process on 64-bit Windows). The script runs in this process, so the variables
# are set here and put back after each test.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-OsArchitecture.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
}

Describe 'Get-OsArchitecture' {
  BeforeEach {
    $saved = @{ a = $env:PROCESSOR_ARCHITECTURE; w = $env:PROCESSOR_ARCHITEW6432 }
  }
  AfterEach {
    $env:PROCESSOR_ARCHITECTURE = $saved.a
    $env:PROCESSOR_ARCHITEW6432 = $saved.w
  }

  It 'gives PROCESSOR_ARCHITECTURE in a native (64-bit) process' {
    $env:PROCESSOR_ARCHITECTURE = 'AMD64'
    $env:PROCESSOR_ARCHITEW6432 = $null
    $r = Invoke-Script @{}
    $r.architecture | Should -BeOfType [string]
    $r.architecture | Should -BeExactly 'AMD64'
    $r.is64BitOperatingSystem | Should -BeOfType [bool]
    $r.is64BitOperatingSystem | Should -Be ([Environment]::Is64BitOperatingSystem)
  }

  It "gives the OS's architecture, not the process's, in a 32-bit process on 64-bit Windows" {
    $env:PROCESSOR_ARCHITECTURE = 'x86'
    $env:PROCESSOR_ARCHITEW6432 = 'ARM64'
    $r = Invoke-Script @{}
    $r.architecture | Should -BeExactly 'ARM64'
    $r.is64BitOperatingSystem | Should -BeOfType [bool]
  }

  It 'gives an empty string, still a string, when neither variable is set' {
    $env:PROCESSOR_ARCHITECTURE = $null
    $env:PROCESSOR_ARCHITEW6432 = $null
    $r = Invoke-Script @{}
    $r.PSObject.Properties.Name | Should -Be @('architecture', 'is64BitOperatingSystem')
    $r.architecture | Should -BeOfType [string]
    $r.architecture | Should -BeExactly ''
  }
}
