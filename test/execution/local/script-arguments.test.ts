import { expect } from 'chai';
import { ExecutionError } from '../../../src/execution/executor.js';
import { scriptArguments, secretVariableName } from '../../../src/execution/local/script-arguments.js';
import { parameterFixture, runbookFixture } from '../../support/runbook-fixtures.js';

/**
 * pwsh is not installed on every machine that runs the tests, so the exact argv handed to
 * `pwsh -File` is pinned here; the forms are the ones PowerShell's CommandLineParameterParser
 * binds literally (see script-arguments.ts).
 */
describe('scriptArguments', () => {
  const powershell = runbookFixture({
    name: 'Set-Things',
    language: 'powershell',
    file: 'Set-Things.ps1',
    parameters: [
      parameterFixture('Server', 'string', { flag: '-Server' }),
      parameterFixture('Count', 'int', { flag: '-Count' }),
      parameterFixture('Force', 'switch', { flag: '-Force' }),
      parameterFixture('WhatIf', 'switch', { flag: '-WhatIf' }),
      parameterFixture('Enabled', 'bool', { flag: '-Enabled' }),
      parameterFixture('Servers', 'string[]', { flag: '-Servers' }),
      parameterFixture('When', 'datetime'),
      parameterFixture('ApiKey', 'secret', { flag: '-ApiKey' }),
      parameterFixture('Admin', 'credential', { flag: '-Admin' }),
      parameterFixture('Unused', 'string', { flag: '-Unused' }),
    ],
  });

  it('binds PowerShell values with -Name: followed by the literal value, switches bare, bools inline', () => {
    const { args, secretEnv } = scriptArguments(powershell, {
      Server: '-rf; $(Remove-Item /)',
      Count: 3,
      Force: true,
      WhatIf: false,
      Enabled: false,
      Servers: ['web01', 'web02'],
      When: '2025-03-31T14:30:00Z',
      ApiKey: 'p@ss word',
      Admin: 'hunter2',
    });
    expect(args).to.deep.equal([
      '-Server:',
      '-rf; $(Remove-Item /)',
      '-Count:',
      '3',
      '-Force',
      '-Enabled:false',
      '-Servers:',
      'web01,web02',
      '-When:',
      '2025-03-31T14:30:00Z',
    ]);
    expect(secretEnv).to.deep.equal({ SWITCHBOARD_SECRET_APIKEY: 'p@ss word', SWITCHBOARD_SECRET_ADMIN: 'hunter2' });
  });

  it('names secret variables in upper case with anything else replaced by _', () => {
    expect(secretVariableName('new-key')).to.equal('SWITCHBOARD_SECRET_NEW_KEY');
    expect(secretVariableName('ApiToken')).to.equal('SWITCHBOARD_SECRET_APITOKEN');
  });

  it('passes Python booleans as --flag=true|false and refuses a list item that would read as an option', () => {
    const python = runbookFixture({
      name: 'Py',
      language: 'python',
      file: 'py.py',
      parameters: [parameterFixture('verify', 'bool', { flag: '--verify' }), parameterFixture('hosts', 'string[]', { flag: '--hosts' })],
    });
    expect(scriptArguments(python, { verify: true }).args).to.deep.equal(['--verify=true']);
    const error = (() => {
      try {
        return scriptArguments(python, { hosts: ['web01', '-x'] });
      } catch (e) {
        return e;
      }
    })();
    expect(error).to.be.instanceOf(ExecutionError).with.property('code', 'bad_value');
    expect((error as Error).message).to.include('"-x" starts with "-"');
  });

  it('keeps the place of a bash secret as an empty string and hands its value over in the environment', () => {
    const bash = runbookFixture({
      name: 'Sh',
      language: 'bash',
      file: 'sh.sh',
      parameters: [parameterFixture('host', 'string', { positional: true }), parameterFixture('token', 'secret', { positional: true }), parameterFixture('port', 'int', { positional: true })],
    });
    expect(scriptArguments(bash, { host: 'web01', token: 't0k3n', port: 443 })).to.deep.equal({
      args: ['web01', '', '443'],
      secretEnv: { SWITCHBOARD_SECRET_TOKEN: 't0k3n' },
    });
  });
});
