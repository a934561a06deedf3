import { expect } from 'chai';
import { bindRunArguments } from '../../src/commands/run-arguments.js';
import { CommandMistake } from '../../src/commands/mistake.js';
import { tokenize } from '../../src/commands/tokenizer.js';
import type { ParameterDefinition, RunbookDefinition } from '../../src/domain/runbook.js';

function parameter(name: string, type: ParameterDefinition['type'], extra: Partial<ParameterDefinition> = {}): ParameterDefinition {
  return { name, type, required: false, secret: false, ...extra };
}

const restart: RunbookDefinition = {
  name: 'Restart-AppPool',
  language: 'powershell',
  file: 'Restart-AppPool.ps1',
  category: 'IIS',
  tags: [],
  synopsis: 'Restarts an application pool',
  description: '',
  examples: [],
  parameters: [
    parameter('Server', 'string', { required: true, aliases: ['ComputerName'] }),
    parameter('Pool', 'string', { required: true }),
    parameter('Environment', 'string', { choices: ['dev', 'prod'] }),
    parameter('Retries', 'int', { min: 0, max: 5 }),
    parameter('Force', 'switch'),
    parameter('dry_run', 'switch', { flag: '--dry-run' }),
    parameter('PoolTimeout', 'int'),
  ],
  target: 'local',
  timeoutSeconds: 60,
  contentHash: 'x',
  source: 'local',
};

const bind = (text: string) => bindRunArguments(restart, tokenize(text));
const mistake = (text: string): CommandMistake => {
  try {
    bind(text);
  } catch (error) {
    if (error instanceof CommandMistake) return error;
    throw error;
  }
  throw new Error(`expected a mistake for: ${text}`);
};

describe('run argument binding', () => {
  it('binds PowerShell-style names case-insensitively, with quoted values and switches', () => {
    expect(bind(`-server web01 -Pool "api pool" -Force`)).to.deep.equal({ Server: 'web01', Pool: 'api pool', Force: true });
  });

  it('binds key=value and Python --flags, including dashed flags of underscored names', () => {
    expect(bind(`Server=web01 pool='a b' --dry-run Retries=3`)).to.deep.equal({ Server: 'web01', Pool: 'a b', dry_run: true, Retries: '3' });
  });

  it('accepts aliases, unique prefixes and -Name:value', () => {
    expect(bind('-ComputerName web01 -Pool api -Ret:2 -Force:$false')).to.deep.equal({ Server: 'web01', Pool: 'api', Retries: '2', Force: false });
  });

  it('fills positional values into the remaining non-switch parameters in order', () => {
    expect(bind(`-Force web01 'api pool' prod`)).to.deep.equal({ Force: true, Server: 'web01', Pool: 'api pool', Environment: 'prod' });
  });

  it('takes the word after a named parameter as its value even when it starts with a dash', () => {
    expect(bind('-Retries -1 -Server a -Pool b')).to.include({ Retries: '-1' });
  });

  it('keeps quoted "-x" and "a=b" words as values', () => {
    expect(bind(`"-Force" "Pool=x"`)).to.deep.equal({ Server: '-Force', Pool: 'Pool=x' });
  });

  it('names an unknown parameter, suggests the closest and lists the real ones', () => {
    const error = mistake('-Servr web01');
    expect(error.problem).to.equal('Restart-AppPool has no parameter -Servr. Did you mean -Server?');
    expect(error.hint).to.contain('-Server (required), -Pool (required)');
    expect(error.example).to.match(/^run Restart-AppPool -Server \S+ -Pool \S+$/);
  });

  it('refuses an ambiguous prefix, a missing value, a repeated parameter and extra values', () => {
    expect(mistake('-Po x').problem).to.equal('-Po could mean -Pool or -PoolTimeout.');
    expect(mistake('-Server').problem).to.equal('-Server needs a value.');
    expect(mistake('-Environment').hint).to.equal('-Environment takes one of: dev, prod.');
    expect(mistake('-Server a -server b').problem).to.equal('-Server was given twice.');
    expect(mistake('a b c d e f').problem).to.equal('There is no parameter left for "f".');
  });

  it('refuses a switch value that is not true or false', () => {
    expect(mistake('-Force:maybe').problem).to.equal('-Force is a switch; "maybe" is not true or false.');
  });
});
