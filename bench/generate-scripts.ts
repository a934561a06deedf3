/**
 * Generates a folder of realistic runbook scripts (mixed PowerShell and Python, comment help,
 * metadata, typed and validated parameters) for the catalog benchmarks (issue 7, P1/P3/P5).
 * Deterministic: script i always has the same content for the same revision, so a benchmark can
 * "edit" one file by rendering it again with another revision.
 *
 *   npx tsx bench/generate-scripts.ts <folder> [count=1000]
 */
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CATEGORIES = [
  'Active Directory', 'Airwatch', 'Retail', 'Azure', 'Carbon Black', 'Certificates', 'CHEF', 'Commvault',
  'Docker', 'EMC', 'GitLab', 'Informatica', 'ITSM', 'Jenkins', 'Licensing', 'NetScaler', 'Network',
  'SAP', 'SCCM', 'SDWAN', 'Security Groups', 'Sensu', 'SharePoint', 'SQL', 'Tableau', 'Teradata',
  'User Provisioning', 'VDI', 'vmware', 'VSTS',
];
const VERBS = ['Get', 'Restart', 'Test', 'Set', 'New', 'Remove', 'Sync', 'Backup', 'Restore', 'Invoke'];
const NOUNS = ['AppPool', 'Server', 'Certificate', 'Vip', 'Mailbox', 'Share', 'Job', 'Store', 'Cookbook', 'Database', 'Repo', 'Disk'];
const TAGS = ['incident', 'daily', 'change', 'report', 'cleanup', 'audit'];

export interface GeneratedScript {
  /** File name relative to the folder. */
  file: string;
  content: string;
}

export function renderScript(index: number, revision = 0): GeneratedScript {
  const category = CATEGORIES[index % CATEGORIES.length];
  const name = `${VERBS[index % VERBS.length]}-${NOUNS[(index * 7) % NOUNS.length]}${index}`;
  const tags = [TAGS[index % TAGS.length], TAGS[(index + 2) % TAGS.length]].join(', ');
  const synopsis = `${VERBS[index % VERBS.length]} the ${NOUNS[(index * 7) % NOUNS.length].toLowerCase()} for ${category} (revision ${revision}).`;
  return index % 5 < 3
    ? { file: `${name}.ps1`, content: powershell(synopsis, category, tags, index, revision) }
    : { file: `${name.replace(/-/g, '_')}.py`, content: python(synopsis, category, tags, index, revision) };
}

/** Writes `count` scripts into `folder` (created if needed); returns the file names. */
export function generateScripts(folder: string, count: number): string[] {
  mkdirSync(folder, { recursive: true });
  return Array.from({ length: count }, (_, index) => {
    const script = renderScript(index);
    writeFileSync(path.join(folder, script.file), script.content);
    return script.file;
  });
}

function powershell(synopsis: string, category: string, tags: string, index: number, revision: number): string {
  return `<#
.SYNOPSIS
    ${synopsis}
.DESCRIPTION
    Connects to the target, checks its state and applies the requested action.
    Writes a JSON summary at the end so the bot can render it as a table.
.PARAMETER Server
    Host name of the server, e.g. web${index % 90 + 10}.
.PARAMETER Environment
    Which environment to act on.
.PARAMETER Retries
    How many times to retry a failed step.
.EXAMPLE
    .\\Script.ps1 -Server web01 -Environment prod -Force
.NOTES
    Category: ${category}
    Tags: ${tags}
    Target: ${index % 4 === 0 ? 'cloud' : 'local'}
    Timeout: ${(index % 6) + 1}m
    Owner: team-${category.toLowerCase().replace(/\s+/g, '-')}
    Secret: ApiToken
    PatternMessage.Server: use a short host name such as web01
#>
[CmdletBinding()]
param(
    [Parameter(Mandatory = $true, HelpMessage = 'Server to act on')]
    [ValidatePattern('^[a-z]+\\d{2}$')]
    [Alias('ComputerName')]
    [string]$Server,

    [Parameter(Mandatory)]
    [ValidateSet('dev', 'test', 'prod')]
    [string]$Environment = 'dev',

    # Retries before giving up
    [ValidateRange(0, ${10 + revision})]
    [int]$Retries = 3,

    [ValidateLength(1, 200)]
    [string]$Reason,

    [string]$ApiToken,

    [datetime]$NotBefore,

    [string[]]$Components = @('web', 'api'),

    [switch]$Force
)

$ErrorActionPreference = 'Stop'
Write-Output "Acting on $Server in $Environment"
foreach ($attempt in 1..$Retries) {
    Write-Progress -Activity 'Working' -PercentComplete ($attempt * 100 / $Retries)
}
[pscustomobject]@{ Server = $Server; Environment = $Environment; Ok = $true } | ConvertTo-Json
`;
}

function python(synopsis: string, category: string, tags: string, index: number, revision: number): string {
  return `#!/usr/bin/env python3
"""${synopsis}

Queries the service, compares the result with the expected state and prints a
JSON report.

Category: ${category}
Tags: ${tags}
Target: ${index % 3 === 0 ? 'hybrid-dc1' : 'local'}
Timeout: ${(index % 9) + 1}m
Owner: team-${category.toLowerCase().replace(/\s+/g, '-')}
Secret: password
"""
import argparse
import json


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("host", help="Host to check, e.g. db${index % 90 + 10}")
    parser.add_argument("-p", "--port", type=int, default=${1000 + revision}, help="TCP port (default: %(default)s)")
    parser.add_argument("--region", choices=["emea", "amer", "apac"], default="emea", help="Region of the store")
    parser.add_argument("--threshold", type=float, default=0.8, help="Alert above this ratio")
    parser.add_argument("--dry-run", action="store_true", help="Only report what would change")
    parser.add_argument("--items", nargs="+", default=["a", "b"], help="Items to include")
    parser.add_argument("--password", required=False, help="Service account password")
    args = parser.parse_args()
    print(json.dumps({"host": args.host, "port": args.port, "ok": True}))


if __name__ == "__main__":
    main()
`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  const [folder, count = '1000'] = process.argv.slice(2);
  if (!folder || !/^\d+$/.test(count)) {
    process.stderr.write('Usage: npx tsx bench/generate-scripts.ts <folder> [count=1000]\n');
    process.exitCode = 2;
  } else {
    const files = generateScripts(path.resolve(folder), Number(count));
    process.stdout.write(`${files.length} scripts written to ${path.resolve(folder)}\n`);
  }
}
