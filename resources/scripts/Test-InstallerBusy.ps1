#Requires -Version 5.1
<#
  Is Windows Installer running an installation? The service holds the Global\_MSIExecute mutex
  while it runs an execute sequence; a setup started meanwhile ends with 1618. The mutex is
  opened and, when it exists, taken for no time at all (WaitOne(0)) and given back at once: an
  idle service may keep the object without holding it. Read-only otherwise.
  Parameters: none ({}).
  Output: { "mutex": "absent" | "free" | "held" | "denied" }
    absent  no installation has it open
    free    it exists, nobody holds it
    held    an installation holds it
    denied  it exists but may not be opened (another installation's, all the same)
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$state = 'absent'
$mutex = $null
try {
  if ([System.Threading.Mutex]::TryOpenExisting('Global\_MSIExecute', [ref]$mutex)) {
    $taken = $false
    try {
      $taken = $mutex.WaitOne(0)
    } catch [System.Threading.AbandonedMutexException] {
      # Its holder ended without giving it back: it is ours now, so nobody holds it.
      $taken = $true
    }
    if ($taken) {
      $mutex.ReleaseMutex()
      $state = 'free'
    } else {
      $state = 'held'
    }
  }
} catch [System.UnauthorizedAccessException] {
  $state = 'denied'
} finally {
  if ($mutex) { $mutex.Dispose() }
}
ConvertTo-Json -Compress -InputObject ([ordered]@{ mutex = $state })
