import { expect } from 'chai';
import { loadGrammars } from '../../src/catalog/grammars.js';
import { parseHelpText } from '../../src/catalog/help-text.js';
import { parseDuration, readMetadata } from '../../src/catalog/metadata.js';
import { describeScript, runbookLanguageOf } from '../../src/catalog/script-file.js';
import type { RunbookDefinition } from '../../src/domain/runbook.js';

async function runbookOf(file: string, source: string): Promise<RunbookDefinition> {
  const result = describeScript(file, Buffer.from(source), await loadGrammars());
  expect(result.problems).to.deep.equal([]);
  return result.runbook!;
}

const lines = (text: string) => text.split('\n').map((t, i) => ({ text: t, line: i + 1 }));

describe('catalog: script rules', () => {
  it('takes a comment right before a parameter as its help, but not a trailing comment of the previous one', async () => {
    const runbook = await runbookOf('A.ps1', [
      'param(',
      '  # Server to restart',
      '  [string]$Server, # about Server, not Port',
      '  [int]$Port,',
      '  [Parameter(HelpMessage = "from HelpMessage")] # inside the attributes',
      '  [string]$Both',
      ')',
    ].join('\n'));
    expect(runbook.parameters.map((p) => p.help)).to.deep.equal(['Server to restart', undefined, 'from HelpMessage']);
  });

  it('ignores syntax the grammar rejects outside the param block (pwsh is the judge there)', async () => {
    const runbook = await runbookOf('A.ps1', 'param([string]$X)\nfunction F { param([string]$Y) "one-liner" }\n');
    expect(runbook.parameters.map((p) => p.name)).to.deep.equal(['X']);
  });

  it('accepts a script without a param block and ignores attributes that do not change the form', async () => {
    expect((await runbookOf('A.ps1', 'Write-Output "hi"')).parameters).to.deep.equal([]);
    const runbook = await runbookOf('A.ps1', 'param([AllowNull()][ValidateScript({ $_ -gt 1 })][ArgumentCompleter({ "x" })][int]$N)');
    expect(runbook.parameters).to.deep.equal([{ name: 'N', type: 'int', required: false, secret: false, flag: '-N' }]);
  });

  it('decides which files are runbooks', () => {
    expect(runbookLanguageOf('Restart-AppPool.ps1')).to.equal('powershell');
    expect(runbookLanguageOf('sql/report.PY')).to.equal('python');
    expect(runbookLanguageOf('net/check.sh')).to.equal('bash');
    for (const file of ['lib/_common.py', '__pycache__/x.py', '.git/hooks/x.sh', 'module.psm1', 'README.md', '_private/A.ps1'])
      expect(runbookLanguageOf(file), file).to.equal(undefined);
  });

  it('reads durations in seconds, minutes, hours and combinations', () => {
    expect(parseDuration('600')).to.equal(600);
    expect(parseDuration('90s')).to.equal(90);
    expect(parseDuration('15m')).to.equal(900);
    expect(parseDuration('1h30m')).to.equal(5400);
    expect(parseDuration('2 hours')).to.equal(7200);
    for (const bad of ['', 'soon', '0', '5 parsecs', '1h-2m']) expect(parseDuration(bad), bad).to.equal(undefined);
  });

  it('reads metadata keys case-insensitively, lower-cases tags and keeps the rest of .NOTES as notes', () => {
    const help = parseHelpText(lines('.SYNOPSIS\n  Short.\n.NOTES\n  category: SQL\n  TAGS: Incident,  Database ,\n  Owner: team-dba\n  Written by Ada.'));
    expect(help.notes).to.equal('Written by Ada.');
    const { metadata, problems } = readMetadata(help.metadata);
    expect(problems).to.deep.equal([]);
    expect(metadata).to.deep.include({ category: 'SQL', tags: ['incident', 'database'], owner: 'team-dba' });
  });

  it('treats text without help keywords as plain help: first line synopsis, metadata lines anywhere', () => {
    const help = parseHelpText(lines('\nChecks the port.\n\n  More detail\n  on two lines.\nCategory: Network\n'));
    expect(help).to.deep.include({ synopsis: 'Checks the port.', description: 'More detail\non two lines.' });
    expect(help.metadata.map((m) => m.line)).to.deep.equal([6]);
  });

  it('joins a multi-line .SYNOPSIS into one line and keeps .PARAMETER headers in order', () => {
    const help = parseHelpText(lines('.Synopsis\n  Restart the\n  pool.\n.PARAMETER B\n  second\n.parameter A\n  first'));
    expect(help.synopsis).to.equal('Restart the pool.');
    expect(help.parameters.map((p) => [p.name, p.help, p.line])).to.deep.equal([['B', 'second', 4], ['A', 'first', 6]]);
  });

  it('Python: a single-quoted docstring, raw strings, escapes and %% in help', async () => {
    const runbook = await runbookOf('a.py', [
      "'Short synopsis.\\n\\nLonger.'",
      'import argparse',
      'p = argparse.ArgumentParser()',
      'p.add_argument("--pattern", default=r"\\d+\\s", help="regex, 100%% raw")',
      'p.add_argument("--sep", default="\\t")',
    ].join('\n'));
    expect(runbook).to.include({ synopsis: 'Short synopsis.', description: 'Longer.' });
    expect(runbook.parameters.map((p) => [p.default, p.help])).to.deep.equal([['\\d+\\s', 'regex, 100% raw'], ['\t', undefined]]);
  });
});
