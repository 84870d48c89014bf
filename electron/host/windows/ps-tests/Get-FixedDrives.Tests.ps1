# Ready fixed drives from [IO.DriveInfo]::GetDrives(), a static .NET call Pester cannot mock. It
# works off Windows too (mount points, DriveType from the file system: ext4 is Fixed, tmpfs/proc
# are Ram), so these tests run the script against this machine's real drives and check its filter
# and output shape against DriveInfo read here independently.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Get-FixedDrives.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  $all = @([IO.DriveInfo]::GetDrives())
  $fixed = @($all | Where-Object { $_.DriveType -eq [IO.DriveType]::Fixed -and $_.IsReady })
}

Describe 'Get-FixedDrives' {
  It 'gives each ready fixed drive with name, free and total bytes and format' {
    $fixed.Count | Should -BeGreaterThan 0 -Because 'this machine needs a fixed drive to test with'
    $r = Invoke-Script
    $r.PSObject.Properties.Name | Should -Be @('drives')
    @($r.drives).Count | Should -Be $fixed.Count
    for ($i = 0; $i -lt $fixed.Count; $i++) {
      $d = @($r.drives)[$i]
      $d.PSObject.Properties.Name | Should -Be @('name', 'freeBytes', 'totalBytes', 'format')
      $d.name | Should -BeOfType [string]
      $d.name | Should -BeExactly $fixed[$i].Name
      $d.freeBytes | Should -BeOfType [long]
      $d.totalBytes | Should -BeOfType [long]
      $d.totalBytes | Should -Be $fixed[$i].TotalSize
      $d.freeBytes | Should -BeGreaterThan 0
      $d.freeBytes | Should -BeLessOrEqual $d.totalBytes
      $d.format | Should -BeOfType [string]
      $d.format | Should -BeExactly $fixed[$i].DriveFormat
    }
  }

  It 'leaves out drives that are not fixed (RAM disks, network shares, removable, CD-ROM)' {
    $other = @($all | Where-Object { $_.DriveType -ne [IO.DriveType]::Fixed } | ForEach-Object { $_.Name } |
        Where-Object { $_ -notin $fixed.Name })
    # Linux always mounts some (proc, sysfs, tmpfs): the case is real here, never left out.
    $other.Count | Should -BeGreaterThan 0
    $names = @((Invoke-Script).drives | ForEach-Object { $_.name })
    foreach ($n in $other) { $names | Should -Not -Contain $n }
  }

  It 'writes drives as a JSON array even when there is only one' {
    $json = & $script -ParamsBase64 (ConvertTo-ParamsBase64 @{})
    $json | Should -BeLike '{"drives":`[*`]}'
  }
}
