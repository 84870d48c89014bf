# Dot-sourced by each *.Tests.ps1 (Pester runs only those): how the app calls an allowlisted
# script, with its parameters as base64 of UTF-8 JSON, and reads the answer as JSON text with
# dates left as text. `$script` is the caller's path to the script under test.
function ConvertTo-ParamsBase64([hashtable]$Params = @{}) {
  $json = ConvertTo-Json -Compress -InputObject $Params
  [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json))
}

# A registry key's values as Get-ItemProperty gives them on Windows: a PSCustomObject of the values
# plus PSPath etc.
function New-RegistryValues([string]$Key, [hashtable]$Values) {
  $o = [ordered]@{}
  foreach ($k in $Values.Keys) { $o[$k] = $Values[$k] }
  $o.PSPath = "Microsoft.PowerShell.Core\Registry::$($Key -replace '^HKLM:', 'HKEY_LOCAL_MACHINE')"
  $o.PSParentPath = $o.PSPath.Substring(0, $o.PSPath.LastIndexOf('\'))
  $o.PSChildName = Split-Path -Leaf $Key
  $o.PSDrive = 'HKLM'
  $o.PSProvider = 'Microsoft.PowerShell.Core\Registry'
  [pscustomobject]$o
}

# PowerShell on Linux has no CimCmdlets: a stand-in with the real cmdlet's parameters, so that
# Get-CimInstance can be mocked there too.
function Add-CimInstanceStandIn {
  if (-not (Get-Command Get-CimInstance -ErrorAction SilentlyContinue)) {
    function global:Get-CimInstance {
      param([string]$ClassName, [string[]]$Property, [string]$Filter, $ErrorAction)
      throw 'not mocked'
    }
  }
}

function Invoke-Script([hashtable]$Params = @{}, [switch]$NoEnumerate) {
  # As the app runs it (powershell.ts): a script block made from the file's text, read as strict
  # UTF-8 without its byte order mark, never the file by its path. .NET calls only, as below.
  $text = [IO.File]::ReadAllText($script, [System.Text.UTF8Encoding]::new($false, $true))
  $block = [ScriptBlock]::Create($text)
  # -NoEnumerate keeps a [] or one-element array an array, as JSON.parse does.
  & $block -ParamsBase64 (ConvertTo-ParamsBase64 $Params) |
    Save-ContractOutput -Script $script |
    ConvertFrom-Json -DateKind String -NoEnumerate:$NoEnumerate
}

# The contract between the two sides: with CRMUM_CONTRACT_OUT set (check-ps.ts sets it), the text
# a script printed is kept as <dir>/<Script>/<n>.json, joined as the app's session joins it, for
# the script's zod schema in scripts.ts to parse. Passes its input on unchanged. Only a run that
# ends keeps anything: a script that throws stops the pipeline before this end block.
function Save-ContractOutput {
  param([Parameter(Mandatory = $true)][string]$Script, [Parameter(ValueFromPipeline = $true)][AllowNull()]$Line)
  begin { $lines = [System.Collections.Generic.List[string]]::new() }
  process {
    $lines.Add([string]$Line)
    $Line
  }
  end {
    $text = $lines -join [string][char]10
    if (-not $env:CRMUM_CONTRACT_OUT -or [string]::IsNullOrWhiteSpace($text)) { return }
    # .NET calls only, no cmdlets: a test's mock of New-Object or New-Item would answer here.
    $dir = [IO.Path]::Combine($env:CRMUM_CONTRACT_OUT, [IO.Path]::GetFileNameWithoutExtension($Script))
    [void][IO.Directory]::CreateDirectory($dir)
    $n = [IO.Directory]::GetFiles($dir, '*.json').Count + 1
    [IO.File]::WriteAllText([IO.Path]::Combine($dir, "$n.json"), $text, [System.Text.UTF8Encoding]::new($false))
  }
}
