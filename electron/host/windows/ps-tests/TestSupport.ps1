# Dot-sourced by each *.Tests.ps1 (Pester runs only those): how the app calls an allowlisted
# script, with its parameters as base64 of UTF-8 JSON, and reads the answer as JSON text with
# dates left as text. `$script` is the caller's path to the script under test.
function ConvertTo-ParamsBase64([hashtable]$Params = @{}) {
  $json = ConvertTo-Json -Compress -InputObject $Params
  [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json))
}

function Invoke-Script([hashtable]$Params = @{}, [switch]$NoEnumerate) {
  # -NoEnumerate keeps a [] or one-element array an array, as JSON.parse does.
  & $script -ParamsBase64 (ConvertTo-ParamsBase64 $Params) |
    ConvertFrom-Json -DateKind String -NoEnumerate:$NoEnumerate
}
