<#
.SYNOPSIS
Test fixture: prints the values it was bound as JSON.
#>
param([string]$Name, [switch]$Force)
[ordered]@{ Name = $Name; Force = [bool]$Force } | ConvertTo-Json -Compress
