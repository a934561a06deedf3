import type { ParameterDefinition, RunbookDefinition } from '../../src/domain/runbook.js';

/** A parameter definition with the defaults the catalog would produce. */
export function param(name: string, overrides: Partial<ParameterDefinition> = {}): ParameterDefinition {
  return { name, type: 'string', required: false, secret: false, ...overrides };
}

/** A runbook definition for tests; parameters are the interesting part. */
export function sampleRunbook(parameters: ParameterDefinition[], overrides: Partial<RunbookDefinition> = {}): RunbookDefinition {
  return {
    name: 'Restart-AppPool',
    language: 'powershell',
    file: 'Restart-AppPool.ps1',
    category: 'IIS',
    tags: [],
    synopsis: 'Restarts an IIS application pool',
    description: '',
    examples: [],
    parameters,
    target: 'local',
    timeoutSeconds: 60,
    contentHash: 'abc',
    source: 'local',
    ...overrides,
  };
}
