<#
  `npm run check:ps`, inside real PowerShell 7: every allowlisted script (and the session's
  start-up code) through the real parser, then a guard against what Windows PowerShell 5.1 on a
  server lacks, then the Pester tests (not with -SkipPester; with -Only "A,B", only A.Tests.ps1 and
  B.Tests.ps1). Writes a JSON summary to -Out for build/powershell/check-ps.ts.
#>
param(
  [Parameter(Mandatory = $true)][string]$FileList,
  [Parameter(Mandatory = $true)][string]$Pester,
  [Parameter(Mandatory = $true)][string]$Tests,
  [Parameter(Mandatory = $true)][string]$Out,
  [switch]$SkipPester,
  [string]$Only = ''
)
$ErrorActionPreference = 'Stop'
$problems = New-Object System.Collections.Generic.List[string]
$Files = @(Get-Content -LiteralPath $FileList | Where-Object { $_ })

# Cmdlet parameters that PowerShell 6 and 7 added (from each cmdlet's documentation, "This
# parameter was added in PowerShell 6.x/7.x"), and cmdlets that Windows PowerShell 5.1 lacks.
$Not51Parameters = @{
  'ConvertFrom-Json' = 'AsHashtable', 'Depth', 'NoEnumerate', 'DateKind'
  'ConvertTo-Json' = 'AsArray', 'EnumsAsStrings', 'EscapeHandling'
  'ForEach-Object' = 'Parallel', 'ThrottleLimit', 'TimeoutSeconds', 'AsJob', 'UseNewRunspace'
  'Get-Content' = 'AsByteStream'
  'Set-Content' = 'AsByteStream'
  'Add-Content' = 'AsByteStream'
  'Join-Path' = 'AdditionalChildPath'
  'Split-Path' = 'Extension', 'LeafBase'
  'Get-Date' = 'AsUTC', 'UnixTimeSeconds'
  'Select-Object' = 'SkipIndex'
  'Sort-Object' = 'Stable', 'Top', 'Bottom'
  'Select-String' = 'Raw', 'NoEmphasis'
  'Get-ChildItem' = 'FollowSymlink'
  'Invoke-WebRequest' = 'SkipCertificateCheck', 'SslProtocol', 'Authentication', 'Token', 'NoProxy', 'SkipHttpErrorCheck', 'StatusCodeVariable', 'ResponseHeadersVariable', 'Form', 'Resume'
  'Invoke-RestMethod' = 'SkipCertificateCheck', 'SslProtocol', 'Authentication', 'Token', 'NoProxy', 'SkipHttpErrorCheck', 'StatusCodeVariable', 'ResponseHeadersVariable', 'Form', 'Resume'
}
$Not51Commands = 'Test-Json', 'Get-Error', 'Join-String', 'ConvertFrom-Markdown', 'Show-Markdown', 'Get-Uptime', 'Remove-Alias', 'Remove-Service', 'Get-MarkdownOption', 'Set-MarkdownOption', 'ConvertTo-CliXml', 'ConvertFrom-CliXml'
# -Encoding values that 5.1 does not know (it has UTF8, with a BOM, and Default for ANSI).
$Not51Encodings = 'utf8NoBOM', 'utf8BOM', 'ansi'

function Find-Not51Command([System.Management.Automation.Language.CommandAst]$Command) {
  $name = $Command.GetCommandName()
  if (-not $name) { return @() }
  if ($name -in $Not51Commands) { return @("the command $name") }
  $found = @()
  $elements = $Command.CommandElements
  for ($i = 1; $i -lt $elements.Count; $i++) {
    $e = $elements[$i]
    if ($e -isnot [System.Management.Automation.Language.CommandParameterAst]) { continue }
    if ($Not51Parameters.ContainsKey($name) -and $e.ParameterName -in $Not51Parameters[$name]) {
      $found += "$name -$($e.ParameterName)"
    }
    if ($e.ParameterName -eq 'Encoding') {
      $value = if ($e.Argument) { $e.Argument } elseif ($i + 1 -lt $elements.Count) { $elements[$i + 1] } else { $null }
      if ($value -is [System.Management.Automation.Language.StringConstantExpressionAst] -and $value.Value -in $Not51Encodings) {
        $found += "$name -Encoding $($value.Value)"
      }
    }
  }
  return $found
}

# Language that PowerShell 6 and 7 added: a 5.1 server fails to parse or run it.
function Find-Not51([System.Management.Automation.Language.Ast]$Ast) {
  $found = New-Object System.Collections.Generic.List[string]
  $predicate = {
    param($node)
    $name = $node.GetType().Name
    if ($name -in 'TernaryExpressionAst', 'PipelineChainAst') { return $true }
    if ($name -eq 'BinaryExpressionAst' -and $node.Operator -eq 'QuestionQuestion') { return $true }
    if ($name -eq 'AssignmentStatementAst' -and $node.Operator -eq 'QuestionQuestionEquals') { return $true }
    if ($name -in 'MemberExpressionAst', 'InvokeMemberExpressionAst', 'IndexExpressionAst' -and $node.NullConditional) { return $true }
    if ($name -eq 'CommandParameterAst' -and $node.ParameterName -in 'Parallel', 'ThrottleLimit', 'AsHashtable', 'SkipLimitCheck') { return $true }
    if ($name -eq 'ScriptBlockAst' -and $null -ne $node.CleanBlock) { return $true }
    return $false
  }
  foreach ($node in $Ast.FindAll($predicate, $true)) {
    $text = $node.Extent.Text
    if ($text.Length -gt 60) { $text = $text.Substring(0, 60) + '…' }
    $found.Add("line $($node.Extent.StartLineNumber): $($node.GetType().Name.Replace('Ast', '')) '$text'")
  }
  $commands = $Ast.FindAll({ param($node) $node -is [System.Management.Automation.Language.CommandAst] }, $true)
  foreach ($command in $commands) {
    foreach ($what in (Find-Not51Command $command)) {
      $found.Add("line $($command.Extent.StartLineNumber): Command '$what' (PowerShell 6 or later)")
    }
  }
  return $found
}

foreach ($file in $Files) {
  $tokens = $null
  $errors = $null
  $ast = [System.Management.Automation.Language.Parser]::ParseFile($file, [ref]$tokens, [ref]$errors)
  foreach ($e in $errors) {
    $problems.Add("$(Split-Path -Leaf $file): line $($e.Extent.StartLineNumber): $($e.Message)")
  }
  foreach ($f in (Find-Not51 $ast)) { $problems.Add("$(Split-Path -Leaf $file): not in PowerShell 5.1: $f") }
}

$pesterPassed = 0
$pesterFailed = 0
$runPaths = @($Tests)
if ($Only) {
  $runPaths = @(foreach ($name in ($Only -split ',')) {
      $path = Join-Path $Tests "$name.Tests.ps1"
      if (Test-Path -LiteralPath $path -PathType Leaf) { $path } else { $problems.Add("${name}: no Pester tests at $path") }
    })
}
# An empty Run.Path would have Pester search the current folder.
if (-not $SkipPester -and $runPaths.Count -gt 0) {
  Import-Module $Pester -Force
  $config = New-PesterConfiguration
  $config.Run.Path = [string[]]$runPaths
  $config.Run.PassThru = $true
  $config.Output.Verbosity = 'Detailed'
  $result = Invoke-Pester -Configuration $config
  $pesterPassed = $result.PassedCount
  $pesterFailed = $result.FailedCount + $result.FailedBlocksCount + $result.FailedContainersCount
}

$summary = [ordered]@{
  files = $Files.Count
  problems = $problems.ToArray()
  pesterPassed = $pesterPassed
  pesterFailed = $pesterFailed
}
Set-Content -LiteralPath $Out -Value (ConvertTo-Json -InputObject $summary -Depth 4) -Encoding utf8
