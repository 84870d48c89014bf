#Requires -Version 5.1
<#
  The two services IIS needs to run a site: the Windows Process Activation Service (WAS), which
  starts the application pools, and the Web service (W3SVC). A setup may leave them stopped; an
  application pool's state cannot be read while they are. Read-only: starting them is the host's
  job (net start), with the states read here before and after.
  Parameters: none ({}).
  Output: { "services": [{ "name": "WAS", "status": "Running", "startType": "Manual" },
                         { "name": "W3SVC", "status": "Stopped", "startType": "Automatic" }] }
          status and startType are null for a service that is not installed.
#>
param([Parameter(Mandatory = $true)][string]$ParamsBase64)
$ErrorActionPreference = 'Stop'

$services = New-Object System.Collections.Generic.List[object]
foreach ($name in @('WAS', 'W3SVC')) {
  $service = Get-Service -Name $name -ErrorAction SilentlyContinue
  $status = $null
  $startType = $null
  if ($service) {
    $status = [string]$service.Status
    $startType = [string]$service.StartType
  }
  $services.Add([ordered]@{ name = $name; status = $status; startType = $startType })
}
ConvertTo-Json -Compress -Depth 3 -InputObject ([ordered]@{ services = $services.ToArray() })
