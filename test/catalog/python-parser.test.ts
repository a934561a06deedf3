import { expect } from 'chai';
import type { ParameterDefinition } from '../../src/domain/runbook.js';
import { loadGrammars } from '../../src/catalog/grammars.js';
import { describeScript } from '../../src/catalog/script-file.js';
import { runbookFromFixture } from './script-fixtures.js';

const option = (name: string, flag: string, type: ParameterDefinition['type'], fields: Partial<ParameterDefinition> = {}): ParameterDefinition => ({
  name, type, required: false, secret: false, flag, ...fields,
});
const positional = (name: string, fields: Partial<ParameterDefinition> = {}): ParameterDefinition => ({
  name, type: 'string', required: true, secret: false, positional: true, ...fields,
});

describe('catalog: Python scripts', () => {
  it('check_disk.py: keyword docstring, argparse types, choices, defaults, dest, metavar, groups, store_true/false, nargs, count; help and version are not parameters', async () => {
    const runbook = await runbookFromFixture('python/check_disk.py');
    expect(runbook).to.include({
      name: 'check_disk', language: 'python', category: 'Storage', target: 'cloud', timeoutSeconds: 90,
      synopsis: 'Reports free disk space per volume as a table.',
      description: 'Connects to the host over SSH and prints one JSON object per volume.',
    });
    expect(runbook.tags).to.deep.equal(['report', 'disk']);
    expect(runbook.examples).to.deep.equal(['check_disk.py web01 --threshold 0.9']);
    expect(runbook.parameters).to.deep.equal([
      positional('host', { help: 'Host to inspect.' }), // help=SUPPRESS falls back to .PARAMETER
      option('threshold', '--threshold', 'number', { aliases: ['t'], default: 0.8, help: 'alert above this ratio (default: 0.8, 100% = full)' }),
      option('unit', '--unit', 'string', { choices: ['GB', 'TB'], default: 'GB', help: 'unit: GB, TB' }),
      option('top', '--top', 'int', { required: true, help: 'show the N fullest volumes' }),
      option('as_json', '--json', 'switch', { aliases: ['json'], help: 'print JSON' }),
      // store_false is named after its flag: switching it on passes --no-color.
      option('no_color', '--no-color', 'switch', { aliases: ['no-color'], help: 'plain output' }),
      option('volumes', '--volumes', 'string[]', { default: ['/', '/var'], help: 'volumes to check' }),
      option('password', '--password', 'secret', { secret: true, help: 'SSH password (default: os.environ.get("DISK_PASSWORD"), computed by the script when left empty)' }),
      option('verbose', '--verbose', 'switch', { aliases: ['v'], default: false }),
    ]);
  });

  it('promote_cookbook.py: plain docstring (first line synopsis) with metadata lines, optional positional, dest renames --from, custom type= stays text', async () => {
    const runbook = await runbookFromFixture('python/promote_cookbook.py');
    expect(runbook).to.include({
      category: 'CHEF', owner: 'team-chef',
      synopsis: 'Promotes a CHEF cookbook version from one environment to the next.',
      description: 'Pins the cookbook version in the target environment and uploads it.\nRun it after the version passed in the lower environment.',
    });
    expect(runbook.tags).to.deep.equal(['change']);
    expect(runbook.parameters.map((p) => p.name), 'declaration order: Azure passes Python parameters positionally').to.deep.equal(['cookbook', 'version', 'source', 'wait', 'batch_size']);
    expect(runbook.parameters).to.deep.equal([
      positional('cookbook', { help: 'cookbook name' }),
      positional('version', { required: false, default: 'latest', help: 'version to promote' }),
      option('source', '--from', 'string', { required: true, aliases: ['from'], choices: ['dev', 'test'], help: 'environment it passed' }),
      option('wait', '--wait', 'switch', { default: false, help: 'wait for convergence' }),
      option('batch_size', '--batch-size', 'string', { aliases: ['batch-size'], default: '5', help: 'nodes per batch' }),
    ]);
  });

  it('Pattern.<name> and PatternMessage.<name> in the docstring give a Python option the check [ValidatePattern] gives PowerShell', async () => {
    const source = '"""Creates a repository.\n\nPattern.name: ^[a-z][a-z0-9-]{2,39}$\nPatternMessage.name: lower case letters, digits and dashes (example: pos-sync)\n"""\nimport argparse\np = argparse.ArgumentParser()\np.add_argument("--name", required=True)\n';
    const result = describeScript('New-Repo.py', Buffer.from(source), await loadGrammars());
    expect(result.problems).to.deep.equal([]);
    expect(result.runbook!.parameters[0]).to.include({
      name: 'name', pattern: '^[a-z][a-z0-9-]{2,39}$', patternMessage: 'lower case letters, digits and dashes (example: pos-sync)',
    });
  });

  it('no_docstring.py: no help at all still gives a runbook with empty texts and the defaults', async () => {
    const runbook = await runbookFromFixture('python/no_docstring.py');
    expect(runbook).to.include({ synopsis: '', description: '', category: 'General', target: 'local' });
    expect(runbook.parameters).to.deep.equal([positional('name'), option('count', '--count', 'int', { default: -3 })]);
  });
});

describe('catalog: shell scripts', () => {
  it('check_port.sh: parameters declared in the help, with type and required, passed positionally', async () => {
    const runbook = await runbookFromFixture('shell/check_port.sh');
    expect(runbook).to.include({ language: 'bash', category: 'Network', synopsis: 'Checks that a TCP port answers.' });
    expect(runbook.parameters).to.deep.equal([
      positional('Host', { help: 'Host name or address.' }),
      positional('Port', { type: 'int', help: 'TCP port.' }),
      positional('Timeout', { type: 'number', required: false, help: 'Seconds to wait.' }),
    ]);
  });
});
