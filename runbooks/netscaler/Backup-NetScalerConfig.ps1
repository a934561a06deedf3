<#
.SYNOPSIS
Backs up the configuration of a NetScaler (Citrix ADC) appliance through its NITRO API.

.DESCRIPTION
Creates a full system backup on the appliance, optionally compares the running ns.conf with the
previous backup, and removes backups older than -KeepDays. The appliances sit in the DMZ, so the
runbook runs on the DMZ Hybrid Runbook Worker group.

The NITRO password is a secret: on Azure Automation it arrives as the -ApiPassword
securestring; when Switchboard's local executor runs the script it arrives in the environment
variable SWITCHBOARD_SECRET_APIPASSWORD (never on the command line).

.PARAMETER Appliance
Appliance to back up.

.PARAMETER ApiUser
NITRO API user.

.PARAMETER ApiPassword
Password of the NITRO API user.

.PARAMETER KeepDays
Backups older than this many days are deleted from the appliance.

.PARAMETER Include
Extra files to list with the backup (comma-separated when typed in chat).

.PARAMETER CompareWithPrevious
Show what changed in ns.conf since the previous backup.

.EXAMPLE
run Backup-NetScalerConfig -Appliance ns-dmz-01 -ApiUser nsroot-chatops -KeepDays 14

.NOTES
Category: NetScaler
Tags: netscaler, backup, network
Target: dmz-workers
Timeout: 15m
Owner: network-team@contoso.com
#>
param(
    [Parameter(Mandatory)]
    [ValidateSet('ns-dmz-01', 'ns-dmz-02', 'ns-int-01')]
    [string]$Appliance,

    [ValidateNotNullOrEmpty()]
    [string]$ApiUser = 'nsroot-chatops',

    [securestring]$ApiPassword,

    [ValidateRange(1, 90)]
    [int]$KeepDays = 30,

    [string[]]$Include = @('ns.conf'),

    [switch]$CompareWithPrevious
)

$ErrorActionPreference = 'Stop'
if (-not $ApiPassword) {
    if (-not $env:SWITCHBOARD_SECRET_APIPASSWORD) { throw 'No NITRO password was given: fill in ApiPassword.' }
    $ApiPassword = ConvertTo-SecureString $env:SWITCHBOARD_SECRET_APIPASSWORD -AsPlainText -Force
}
# pwsh -File hands a [string[]] over as one comma-joined string; split it either way.
$Include = @($Include | ForEach-Object { $_ -split ',' } | ForEach-Object { $_.Trim() } | Where-Object { $_ })

$base = "https://$Appliance.contoso.com/nitro/v1/config"
$headers = @{
    'X-NITRO-USER' = $ApiUser
    'X-NITRO-PASS' = [System.Net.NetworkCredential]::new('', $ApiPassword).Password
}
$name = "chatops-$(Get-Date -Format 'yyyyMMdd-HHmmss')"

Write-Output "##progress 10 Creating backup $name on $Appliance"
$body = @{ systembackup = @{ filename = $name; level = 'full'; comment = 'Switchboard' } } | ConvertTo-Json
Invoke-RestMethod -Method Post -Uri "$base/systembackup?action=create" -Headers $headers -Body $body -ContentType 'application/json' | Out-Null

Write-Output '##progress 60 Listing backups'
$backups = (Invoke-RestMethod -Uri "$base/systembackup" -Headers $headers).systembackup
if ($CompareWithPrevious) {
    $previous = $backups | Where-Object filename -ne "$name.tgz" | Sort-Object creationtime | Select-Object -Last 1
    Write-Output "Previous backup: $($previous.filename) from $($previous.creationtime)"
}

Write-Output "##progress 80 Removing backups older than $KeepDays days"
$cutoff = (Get-Date).AddDays(-$KeepDays)
$removed = foreach ($old in $backups | Where-Object { [datetime]$_.creationtime -lt $cutoff }) {
    Invoke-RestMethod -Method Delete -Uri "$base/systembackup/$($old.filename)" -Headers $headers | Out-Null
    $old.filename
}

Write-Output '##progress 100 Done'
[pscustomobject]@{
    Appliance = $Appliance
    Backup    = "$name.tgz"
    Files     = $Include -join ', '
    Removed   = @($removed).Count
} | ConvertTo-Json
