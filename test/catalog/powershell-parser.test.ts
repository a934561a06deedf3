import { expect } from 'chai';
import type { ParameterDefinition, RunbookDefinition } from '../../src/domain/runbook.js';
import { runbookFromFixture } from './script-fixtures.js';

interface Case {
  fixture: string;
  why: string;
  runbook: Partial<RunbookDefinition>;
  parameters: ParameterDefinition[];
}

const p = (name: string, type: ParameterDefinition['type'], fields: Partial<ParameterDefinition> = {}): ParameterDefinition => ({
  name, type, required: false, secret: false, flag: `-${name}`, ...fields,
});

const CASES: Case[] = [
  {
    fixture: 'powershell/Restart-AppPool.ps1',
    why: 'full comment help before param, .NOTES metadata, Mandatory=$true and bare Mandatory, several named args, Alias, pattern message',
    runbook: {
      name: 'Restart-AppPool', language: 'powershell', category: 'IIS', tags: ['incident', 'web'], target: 'hybrid-web',
      timeoutSeconds: 300, owner: 'team-web', synopsis: 'Restarts an IIS application pool on one web server.',
      description: 'Recycles the pool, waits until it reports Started and prints the\nworker process ids as JSON.',
      examples: ['.\\Restart-AppPool.ps1 -Server web01 -Pool api', '.\\Restart-AppPool.ps1 -Server web02 -Pool admin -Force'],
      notes: 'Author: Ops team', source: 'local',
    },
    parameters: [
      p('Server', 'string', { required: true, help: 'Web server to act on, e.g. web01.', pattern: '^[a-z]+\\d{2}$', patternMessage: 'must look like web01 (letters then two digits)', aliases: ['ComputerName', 'CN'] }),
      p('Pool', 'string', { required: true, choices: ['api', 'admin', 'web'], help: 'Application pool name.' }),
      p('Force', 'switch'),
    ],
  },
  {
    fixture: 'powershell/Get-DiskReport.ps1',
    why: 'no help at all; every scalar type, full .NET type names, hex, doubled quotes and array defaults',
    runbook: { synopsis: '', description: '', category: 'General', target: 'local', timeoutSeconds: 600, tags: [], examples: [] },
    parameters: [
      p('MinFreePercent', 'int', { default: 10 }),
      p('MinFreeBytes', 'int', { default: 1073741824 }),
      p('Ratio', 'number', { default: 0.25 }),
      p('IncludeSystem', 'bool', { default: false }),
      p('Since', 'datetime', { default: '2024-01-31' }),
      p('Drives', 'string[]', { default: ['C', 'D'] }),
      p('Format', 'string', { default: 'table' }),
      p('Top', 'int', { default: 16 }),
      p('Label', 'string', { default: "it's free" }),
    ],
  },
  {
    fixture: 'powershell/Invoke-UglyScript.ps1',
    why: 'comments inside the param block and inside [Parameter(...)], attributes split over lines, here-string default, help after param, Mandatory=$false, escapes',
    runbook: { synopsis: 'Help written after the param block.', description: 'Sets up a retail store.' },
    parameters: [
      p('StoreNumber', 'int', { required: true, help: 'Store number', min: 1, max: 9999 }),
      p('Note', 'string', { help: 'Optional note', default: 'line one\nline "two"' }),
      p('Region', 'string', { default: 'emea' }),
      p('Size', 'string', { required: true, choices: ['small', 'LARGE'], help: 'Store size class.' }),
      p('Escaped', 'string', { notEmpty: true, default: 'tab\there "quoted"' }),
    ],
  },
  {
    fixture: 'powershell/Test-Ranges.ps1',
    why: 'negative and fractional ranges, open [int]::MaxValue bound, named range kind, untyped range, computed defaults kept as help text only',
    runbook: { category: 'Monitoring', timeoutSeconds: 5400 },
    parameters: [
      p('Offset', 'int', { min: -10, max: -1, default: -5 }),
      p('Factor', 'number', { min: 0.5, max: 2.5, default: 1.5 }),
      p('Count', 'int', { min: 1, default: 1 }),
      p('Floor', 'int', { min: 0 }),
      p('Untyped', 'number', { min: 0, max: 100 }),
      p('ComputerName', 'string', { minLength: 3, maxLength: 15, notEmpty: true, help: 'Default: $env:COMPUTERNAME, computed by the script when left empty' }),
      p('When', 'datetime', { help: 'Default: (Get-Date).AddDays(-1), computed by the script when left empty' }),
      p('Greeting', 'string', { help: 'Default: "Hello $env:USERNAME", computed by the script when left empty' }),
    ],
  },
  {
    fixture: 'powershell/Set-ServiceAccount.ps1',
    why: '`#` line-comment help, securestring, pscredential, Secret: metadata, a secret default is never exposed',
    runbook: { synopsis: 'Rotates a service account password.', category: 'Active Directory' },
    parameters: [
      p('Account', 'string', { required: true }),
      p('NewPassword', 'secret', { required: true, secret: true }),
      p('Credential', 'credential', { secret: true }),
      p('ApiToken', 'secret', { secret: true, help: 'Token for the vault API.' }),
      p('WhatIf', 'switch'),
    ],
  },
  {
    fixture: 'powershell/New-Mailbox.ps1',
    why: 'plain `#` comment as help after #requires; Mandatory only inside one of two parameter sets is optional',
    runbook: { synopsis: 'Creates a mailbox for a new hire or a shared team.', description: 'Shared mailboxes need an owner.' },
    parameters: [p('UserName', 'string'), p('SharedName', 'string'), p('Domain', 'string', { required: true })],
  },
];

describe('catalog: PowerShell scripts', () => {
  for (const c of CASES) {
    it(`${c.fixture}: ${c.why}`, async () => {
      const runbook = await runbookFromFixture(c.fixture);
      expect(runbook).to.include(Object.fromEntries(Object.entries(c.runbook).filter(([, v]) => typeof v !== 'object')));
      for (const [key, value] of Object.entries(c.runbook).filter(([, v]) => typeof v === 'object')) expect(runbook).to.have.deep.property(key, value);
      expect(runbook.parameters).to.deep.equal(c.parameters);
      expect(runbook.contentHash).to.match(/^[0-9a-f]{64}$/);
      expect(runbook.file).to.equal(c.fixture.split('/').pop());
    });
  }

  it('reads CRLF line endings with a UTF-8 BOM the same as LF', async () => {
    const plain = await runbookFromFixture('powershell/Restart-AppPool.ps1');
    const windows = await runbookFromFixture('powershell/Restart-AppPool.ps1', (bytes) =>
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(bytes.toString('utf8').replace(/\n/g, '\r\n'))]));
    expect({ ...windows, contentHash: '' }).to.deep.equal({ ...plain, contentHash: '' });
    expect(windows.contentHash, 'the hash is of the bytes on disk').to.not.equal(plain.contentHash);
  });

  it('reads UTF-16 files saved by Windows PowerShell ISE', async () => {
    const plain = await runbookFromFixture('powershell/Get-DiskReport.ps1');
    const utf16 = await runbookFromFixture('powershell/Get-DiskReport.ps1', (bytes) =>
      Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(bytes.toString('utf8'), 'utf16le')]));
    expect(utf16.parameters).to.deep.equal(plain.parameters);
  });
});
