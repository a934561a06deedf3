/**
 * RunbookDefinition and ParameterDefinition objects built directly, for tests that need a runbook
 * without going through the catalog's script parsers.
 */
import type { ParameterDefinition, ParameterType, RunbookDefinition } from '../../src/domain/runbook.js';

export function runbookFixture(
  fields: Pick<RunbookDefinition, 'name' | 'language' | 'file'> & Partial<RunbookDefinition>,
): RunbookDefinition {
  return {
    category: 'Tests',
    tags: [],
    synopsis: `${fields.name} (test fixture)`,
    description: '',
    examples: [],
    parameters: [],
    target: 'local',
    timeoutSeconds: 60,
    contentHash: '0'.repeat(64),
    source: 'local',
    ...fields,
  };
}

export function parameterFixture(
  name: string,
  type: ParameterType = 'string',
  fields: Partial<ParameterDefinition> = {},
): ParameterDefinition {
  return { name, type, required: false, secret: type === 'secret' || type === 'credential', ...fields };
}
