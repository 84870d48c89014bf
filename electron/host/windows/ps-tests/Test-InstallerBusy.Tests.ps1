# Windows Installer's Global\_MSIExecute mutex, for real: .NET's named mutexes work the same on
# this machine, so another thread of this process holds it (a mutex is its holder thread's) the way
# the Windows Installer service does during an installation's execute sequence.
BeforeAll {
  $script = Join-Path $env:CRMUM_SCRIPTS 'Test-InstallerBusy.ps1'
  . (Join-Path $PSScriptRoot 'TestSupport.ps1')
  $name = 'Global\_MSIExecute'

  # Another thread takes the mutex and keeps it until told.
  function Start-Holder {
    $ready = New-Object System.Threading.ManualResetEvent($false)
    $done = New-Object System.Threading.ManualResetEvent($false)
    $ps = [powershell]::Create()
    $null = $ps.AddScript({
        param($name, $ready, $done)
        $m = New-Object System.Threading.Mutex($true, $name)
        $null = $ready.Set()
        $null = $done.WaitOne()
        $m.ReleaseMutex()
        $m.Dispose()
      }).AddArgument($name).AddArgument($ready).AddArgument($done)
    $handle = $ps.BeginInvoke()
    if (-not $ready.WaitOne(10000)) { throw 'the holder thread did not take the mutex' }
    [pscustomobject]@{ ps = $ps; handle = $handle; done = $done }
  }
  # A thread of its own takes the mutex and ends without giving it back: the mutex is abandoned,
  # as when an installation's process is killed.
  Add-Type -TypeDefinition @'
public static class MutexAbandoner {
  public static void TakeAndEnd(string name) {
    var thread = new System.Threading.Thread(() => { new System.Threading.Mutex(true, name); });
    thread.Start();
    thread.Join();
  }
}
'@
  function Stop-Holder($h) {
    $null = $h.done.Set()
    $null = $h.ps.EndInvoke($h.handle)
    $h.ps.Dispose()
  }
}

Describe 'Test-InstallerBusy' {
  It 'says absent when no installation has the mutex' {
    $r = Invoke-Script @{}
    @($r.PSObject.Properties.Name) | Should -Be @('mutex')
    $r.mutex | Should -BeExactly 'absent'
  }

  It 'prints one compact JSON document' {
    & $script -ParamsBase64 (ConvertTo-ParamsBase64 @{}) | Should -BeExactly '{"mutex":"absent"}'
  }

  It 'says held while another installation holds it, and free once it is given back' {
    $h = Start-Holder
    try {
      (Invoke-Script @{}).mutex | Should -BeExactly 'held'
      # Kept open by this test (as the idle service may keep it), released by its holder.
      $kept = New-Object System.Threading.Mutex($false, $name)
      Stop-Holder $h
      $h = $null
      (Invoke-Script @{}).mutex | Should -BeExactly 'free'
      # Taken for no time at all: the script gave it back, so this thread can take it now.
      $kept.WaitOne(0) | Should -BeTrue
      $kept.ReleaseMutex()
      $kept.Dispose()
    } finally {
      if ($h) { Stop-Holder $h }
    }
  }

  It 'says free when its holder ended without giving it back (abandoned)' {
    $kept = New-Object System.Threading.Mutex($false, $name)
    try {
      [MutexAbandoner]::TakeAndEnd($name)
      (Invoke-Script @{}).mutex | Should -BeExactly 'free'
      # Given back by the script: free for this thread, with no abandonment left to report.
      $kept.WaitOne(0) | Should -BeTrue
      $kept.ReleaseMutex()
    } finally {
      $kept.Dispose()
    }
  }
}
