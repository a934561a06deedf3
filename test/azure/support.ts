/**
 * Shared pieces of the Azure Automation tests: clients and executors pointed at the local ARM
 * fake, runbook definitions, and an event log whose waits resolve on the awaited event (bounded,
 * no polling).
 */
import type { AzureAutomationAccountConfig } from '../../src/config.js';
import type { ParameterDefinition, RunbookDefinition } from '../../src/domain/runbook.js';
import { AutomationClient, type AutomationClientOptions } from '../../src/execution/azure/automation-client.js';
import { AzureAutomationExecutor, type AzureExecutorOptions } from '../../src/execution/azure/executor.js';
import type { ExecutionEvent, ExecutionListener, ExecutionSpec } from '../../src/execution/executor.js';
import { fakeArmClientOptions, TEST_ACCOUNT, type FakeArm } from '../support/fake-arm.js';

export function armClient(
  fake: FakeArm,
  account: AzureAutomationAccountConfig = TEST_ACCOUNT,
  overrides: Partial<AutomationClientOptions> = {},
): AutomationClient {
  return new AutomationClient({ ...fakeArmClientOptions(fake), account, ...overrides });
}

export function azureExecutor(fake: FakeArm, options: Partial<AzureExecutorOptions> = {}): AzureAutomationExecutor {
  return new AzureAutomationExecutor({
    client: armClient(fake),
    pollIntervalMs: 30,
    streamCallsPerMinute: 60_000,
    giveUpAfterFailures: 3,
    ...options,
  });
}

export function param(name: string, extra: Partial<ParameterDefinition> = {}): ParameterDefinition {
  return { name, type: 'string', required: false, secret: false, ...extra };
}

export function runbookDefinition(name: string, parameters: ParameterDefinition[] = [], language: RunbookDefinition['language'] = 'powershell'): RunbookDefinition {
  return {
    name,
    language,
    category: 'General',
    tags: [],
    synopsis: '',
    description: '',
    examples: [],
    parameters,
    target: 'cloud',
    timeoutSeconds: 600,
    contentHash: '',
    source: 'local',
  };
}

let jobCounter = 0;

export function executionSpec(
  runbook: RunbookDefinition,
  values: ExecutionSpec['values'] = {},
  target = 'cloud',
  timeoutSeconds = 600,
): ExecutionSpec {
  jobCounter += 1;
  return { jobId: `job${jobCounter}`, runbook, values, target, timeoutSeconds };
}

type Finished = Extract<ExecutionEvent, { kind: 'finished' }>;

/** Collects an executor's events; `waitFor` resolves when a matching event arrives. */
export class EventLog {
  readonly events: ExecutionEvent[] = [];
  private readonly waiters: { match: (event: ExecutionEvent) => boolean; resolve: (event: ExecutionEvent) => void }[] = [];

  readonly listener: ExecutionListener = (event) => {
    this.events.push(event);
    for (const waiter of [...this.waiters])
      if (waiter.match(event)) {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(event);
      }
  };

  waitFor(match: (event: ExecutionEvent) => boolean, what: string, timeoutMs = 10_000): Promise<ExecutionEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`timed out waiting for ${what}; events so far: ${JSON.stringify(this.events)}`)),
        timeoutMs,
      );
      this.waiters.push({
        match,
        resolve: (event) => {
          clearTimeout(timer);
          resolve(event);
        },
      });
    });
  }

  async finished(timeoutMs?: number): Promise<Finished> {
    return (await this.waitFor((e) => e.kind === 'finished', 'the finished event', timeoutMs)) as Finished;
  }

  output(text: string): Promise<ExecutionEvent> {
    return this.waitFor((e) => e.kind === 'output' && e.text === text, `output "${text}"`);
  }

  status(executorStatus: string): Promise<ExecutionEvent> {
    return this.waitFor((e) => e.kind === 'status' && e.executorStatus === executorStatus, `status ${executorStatus}`);
  }

  texts(stream?: string): string[] {
    return this.events.flatMap((e) => (e.kind === 'output' && (!stream || e.stream === stream) ? [e.text] : []));
  }
}

/** Runs `body` and returns the error it throws (fails the test when it does not throw). */
export async function rejection(body: () => Promise<unknown>): Promise<Error & { code?: string; hint?: string }> {
  try {
    await body();
  } catch (error) {
    return error as Error & { code?: string; hint?: string };
  }
  throw new Error('expected a rejection');
}
