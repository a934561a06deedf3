/** Representative data for card tests: realistic runbooks, jobs and output, including the worst cases. */
import type { Job, OutputChunk, OutputStream, Principal } from '../../src/domain/job.js';
import type { MessageInput } from '../../src/cards/index.js';
import { Verb } from '../../src/cards/index.js';
import type { ParameterDefinition, RunbookDefinition } from '../../src/domain/runbook.js';

export const alice: Principal = { id: '29:alice', name: 'Alice Example', aadObjectId: 'aad-alice', upn: 'alice@contoso.com' };
export const bob: Principal = { id: '29:bob', name: 'Bob Approver', aadObjectId: 'aad-bob' };

export function param(name: string, overrides: Partial<ParameterDefinition> = {}): ParameterDefinition {
  return { name, type: 'string', required: false, secret: false, ...overrides };
}

export function runbook(overrides: Partial<RunbookDefinition> = {}): RunbookDefinition {
  return {
    name: 'Restart-AppPool',
    language: 'powershell',
    file: 'Restart-AppPool.ps1',
    category: 'IIS',
    tags: ['web'],
    synopsis: 'Restarts an IIS application pool on a web server.',
    description: 'Recycles the pool gracefully, waits for the worker process to come back and reports its PID.',
    examples: ['Restart-AppPool -Server web01 -Pool api'],
    parameters: [param('Server', { required: true, pattern: '^web\\d{2}$', help: 'Web server to act on' }), param('Pool', { choices: ['api', 'www', 'admin'], default: 'api' })],
    target: 'local',
    timeoutSeconds: 600,
    contentHash: 'abc123',
    source: 'local',
    ...overrides,
  };
}

/** A PowerShell runbook whose param() block uses every parameter type and validation the catalog knows. */
export const everyTypeRunbook: RunbookDefinition = runbook({
  name: 'Invoke-EverythingAtOnce',
  category: 'Testing',
  synopsis: 'Exercises every kind of parameter a runbook can declare.',
  examples: ['Invoke-EverythingAtOnce -ServerName web07 -Ticket INC0012345 -Count 5'],
  parameters: [
    param('ServerName', { required: true, help: 'The server to act on.', notEmpty: true }),
    param('Ticket', { required: true, pattern: '^INC\\d{7}$', patternMessage: 'Ticket must look like INC0012345' }),
    param('Digits', { pattern: '^\\d{4}$' }),
    param('Environment', { required: true, choices: ['dev', 'test', 'prod'], help: 'Where to run.' }),
    param('Count', { type: 'int', min: 1, max: 10, default: 3 }),
    param('Ratio', { type: 'number', min: 0, max: 1 }),
    param('Force', { type: 'switch', help: 'Skip the confirmation step.' }),
    param('Enabled', { type: 'bool', default: true }),
    param('StartAt', { type: 'datetime', help: 'When to start.' }),
    param('Servers', { type: 'string[]', help: 'Servers to include.' }),
    param('Regions', { type: 'string[]', choices: ['westeurope', 'northeurope', 'eastus'] }),
    param('Label', { minLength: 3, maxLength: 20, default: 'nightly' }),
    param('ApiKey', { type: 'secret', secret: true, required: true, default: 'should-never-show' }),
    param('Account', { type: 'credential', secret: true }),
    param('Token', { secret: true, help: 'Marked secret by the script metadata.' }),
  ],
});

const long = (prefix: string, length: number) => (prefix + ' ' + 'lorem ipsum dolor sit amet '.repeat(40)).slice(0, length);

/** The largest catalog page: long names, long synopses, long category and worker group names. */
export function largestPage(count: number): RunbookDefinition[] {
  return Array.from({ length: count }, (_, i) =>
    runbook({
      name: `Invoke-VeryLongRunbookNameThatKeepsGoingAndGoing-${String(i).padStart(3, '0')}-${'X'.repeat(60)}`,
      synopsis: long(`Runbook ${i}:`, 600),
      category: long('Active Directory and Identity Governance', 120),
      target: `hybrid-worker-group-${'datacenter-'.repeat(8)}${i}`,
    }),
  );
}

export function job(overrides: Partial<Job> = {}): Job {
  return {
    id: '4k2x',
    runbook: 'Restart-AppPool',
    parameters: { Server: 'web01', Pool: 'api' },
    requester: alice,
    conversationKey: 'conv-1',
    target: 'local',
    executor: 'local',
    status: 'running',
    createdAt: '2025-03-01T10:00:00.000Z',
    startedAt: '2025-03-01T10:00:02.000Z',
    version: 3,
    ...overrides,
  };
}

export function chunks(lines: string[], stream: OutputStream = 'output', jobId = '4k2x'): OutputChunk[] {
  return lines.map((text, i) => ({ jobId, seq: i + 1, stream, text: text + '\n', at: '2025-03-01T10:00:03.000Z' }));
}

export function numberedLines(count: number, width = 60): string[] {
  return Array.from({ length: count }, (_, i) => `line ${String(i + 1).padStart(5, '0')} ${'x'.repeat(width)}`);
}

/** A typical error answer: what is wrong, an example that works, "did you mean" with a button. */
export const unknownRunbookMessage: MessageInput = {
  title: 'Unknown runbook Restart-AppPol',
  text: 'No runbook has that name.',
  tone: 'error',
  example: 'run Restart-AppPool -Server web01',
  suggestions: ['Restart-AppPool', 'Restart-Service'],
  actions: [{ title: 'Open Restart-AppPool', verb: Verb.openForm, data: { runbook: 'Restart-AppPool' } }],
};
