<#
.SYNOPSIS
Unlocks a locked-out Active Directory account, optionally forcing a new password at next logon.

.DESCRIPTION
For the service desk: shows why the account is locked (bad password count, last bad attempt),
unlocks it on the domain's PDC emulator and, with -RequirePasswordChange, makes the user choose
a new password at the next logon. Needs the ActiveDirectory module, so it runs on the on-prem
Hybrid Runbook Worker group, not on this machine.

.PARAMETER SamAccountName
The user's logon name (sAMAccountName), e.g. jdoe.

.PARAMETER Domain
Domain the account lives in.

.PARAMETER RequirePasswordChange
Make the user set a new password at the next logon.

.EXAMPLE
run Unlock-ADAccount -SamAccountName jdoe -Domain corp

.EXAMPLE
run Unlock-ADAccount -SamAccountName store1287.mgr -Domain retail -RequirePasswordChange

.NOTES
Category: Active Directory
Tags: active-directory, accounts, service-desk
Target: onprem-ad-workers
Timeout: 5m
Owner: identity-team@contoso.com
PatternMessage.SamAccountName: 2-20 characters: lower case letters, digits, ".", "-" or "_", starting with a letter (example: jdoe)
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory, HelpMessage = 'Logon name, e.g. jdoe')]
    [ValidatePattern('^[a-z][a-z0-9._-]{1,19}$')]
    [string]$SamAccountName,

    [ValidateSet('corp', 'retail')]
    [string]$Domain = 'corp',

    [switch]$RequirePasswordChange
)

$ErrorActionPreference = 'Stop'
Import-Module ActiveDirectory

$domainName = @{ corp = 'corp.contoso.com'; retail = 'retail.contoso.com' }[$Domain]
# Lockouts are authoritative on the PDC emulator; unlocking there avoids waiting for replication.
$server = (Get-ADDomain -Server $domainName).PDCEmulator
$user = Get-ADUser -Identity $SamAccountName -Server $server -Properties LockedOut, BadLogonCount, LastBadPasswordAttempt

if (-not $user.LockedOut) {
    Write-Output "$SamAccountName is not locked out on $server; nothing to do."
}
else {
    Unlock-ADAccount -Identity $user -Server $server
    Write-Output "Unlocked $SamAccountName on $server."
}
if ($RequirePasswordChange) {
    Set-ADUser -Identity $user -Server $server -ChangePasswordAtLogon $true
    Write-Output "$SamAccountName must choose a new password at the next logon."
}

[pscustomobject]@{
    Account                = $SamAccountName
    Domain                 = $domainName
    WasLockedOut           = [bool]$user.LockedOut
    BadLogonCount          = $user.BadLogonCount
    LastBadPasswordAttempt = if ($user.LastBadPasswordAttempt) { $user.LastBadPasswordAttempt.ToString('u') } else { '' }
    MustChangePassword     = [bool]$RequirePasswordChange
} | ConvertTo-Json
