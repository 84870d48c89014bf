# Dot-sourced by each *.Tests.ps1 (Pester runs only those): how the app calls an allowlisted
# script, with its parameters as base64 of UTF-8 JSON, and reads the answer as JSON text with
# dates left as text. `$script` is the caller's path to the script under test.
function Invoke-Script([hashtable]$Params, [switch]$NoEnumerate) {
  $json = ConvertTo-Json -Compress -InputObject $Params
  $b64 = [Convert]::ToBase64String([Text.Encoding]::UTF8.GetBytes($json))
  # -NoEnumerate keeps a [] or one-element array an array, as JSON.parse does.
  & $script -ParamsBase64 $b64 | ConvertFrom-Json -DateKind String -NoEnumerate:$NoEnumerate
}
