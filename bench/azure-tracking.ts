/**
 * P4: Azure Resource Manager calls per tracked job per minute while the Azure executor tracks
 * many running jobs, against the local ARM endpoint (test/support/fake-arm.ts).
 *
 *   npx tsx bench/azure-tracking.ts [--jobs 1000] [--interval-ms 15000] [--warmup-s 45] [--measure-s 120]
 *                                   [--output-every-s 120] [--stream-calls-per-minute 40]
 *
 * The jobs are started through the executor (not counted), run for the whole measurement, and
 * each writes an output line on average every `--output-every-s`. After a warm-up (the first
 * list windows still hold every freshly created job), every HTTP request the client sends —
 * list pages, stream lists, stream texts, retries — is counted for `--measure-s`. The naive
 * baseline (one Job_Get per job every 10 s) is 6 calls per job per minute.
 *
 * `measureAzureTracking()` is exported for `npm run bench`.
 */
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { AzureAutomationExecutor } from '../src/execution/azure/executor.js';
import { AutomationClient } from '../src/execution/azure/automation-client.js';
import type { RunbookDefinition } from '../src/domain/runbook.js';
import { fakeArmClientOptions, startFakeArm, TEST_ACCOUNT, type FakeJob } from '../test/support/fake-arm.js';

export interface AzureTrackingOptions {
  jobs: number;
  intervalMs: number;
  warmupMs: number;
  measureMs: number;
  /** Average time between two output lines of one job. */
  outputEveryMs: number;
  streamCallsPerMinute: number;
}

export interface AzureTrackingResult extends AzureTrackingOptions {
  calls: number;
  listCalls: number;
  streamCalls: number;
  callsPerJobPerMinute: number;
  naiveCallsPerJobPerMinute: number;
  linesWritten: number;
  linesShown: number;
}

export const DEFAULT_AZURE_TRACKING: AzureTrackingOptions = {
  jobs: 1000,
  intervalMs: 15_000,
  warmupMs: 45_000,
  measureMs: 120_000,
  outputEveryMs: 120_000,
  streamCallsPerMinute: 40,
};

const RUNBOOK: RunbookDefinition = {
  name: 'Bench-Runbook',
  language: 'powershell',
  category: 'Bench',
  tags: [],
  synopsis: '',
  description: '',
  examples: [],
  parameters: [],
  target: 'cloud',
  timeoutSeconds: 24 * 3600,
  contentHash: '',
  source: 'azure',
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function measureAzureTracking(options: AzureTrackingOptions = DEFAULT_AZURE_TRACKING): Promise<AzureTrackingResult> {
  const fake = await startFakeArm({ pageSize: 100 });
  const client = new AutomationClient({ ...fakeArmClientOptions(fake), account: TEST_ACCOUNT });
  const executor = new AzureAutomationExecutor({
    client,
    pollIntervalMs: options.intervalMs,
    streamCallsPerMinute: options.streamCallsPerMinute,
  });
  fake.account().addRunbook({ name: RUNBOOK.name });
  fake.onJobCreated((job) => job.setStatus('Running'));

  let linesShown = 0;
  const jobs: FakeJob[] = [];
  for (let i = 0; i < options.jobs; i += 1) {
    const name = await executor.start({ jobId: `bench${i}`, runbook: RUNBOOK, values: {}, target: 'cloud', timeoutSeconds: RUNBOOK.timeoutSeconds }, (event) => {
      if (event.kind === 'output') linesShown += 1;
    });
    jobs.push(fake.account().job(name));
  }

  let linesWritten = 0;
  const writeEveryMs = options.outputEveryMs / options.jobs;
  const writer = setInterval(() => {
    const due = Math.max(1, Math.round(100 / writeEveryMs));
    for (let n = 0; n < due; n += 1) {
      jobs[Math.floor(Math.random() * jobs.length)].write('Output', `line ${linesWritten}`);
      linesWritten += 1;
    }
  }, Math.max(100, writeEveryMs));

  await sleep(options.warmupMs);
  const callsBefore = executor.callCount();
  const requestsBefore = fake.requests.length;
  const shownBefore = linesShown;
  const writtenBefore = linesWritten;
  await sleep(options.measureMs);
  const calls = executor.callCount() - callsBefore;
  const window = fake.requests.slice(requestsBefore);
  clearInterval(writer);
  await executor.close();
  await fake.close();

  const minutes = options.measureMs / 60_000;
  return {
    ...options,
    calls,
    listCalls: window.filter((r) => /\/jobs$/.test(r.path)).length,
    streamCalls: window.filter((r) => /\/streams/.test(r.path) || r.path.endsWith('/output')).length,
    callsPerJobPerMinute: calls / options.jobs / minutes,
    naiveCallsPerJobPerMinute: 6,
    linesWritten: linesWritten - writtenBefore,
    linesShown: linesShown - shownBefore,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const { values } = parseArgs({
    options: {
      jobs: { type: 'string' },
      'interval-ms': { type: 'string' },
      'warmup-s': { type: 'string' },
      'measure-s': { type: 'string' },
      'output-every-s': { type: 'string' },
      'stream-calls-per-minute': { type: 'string' },
    },
  });
  const number = (value: string | undefined, fallback: number, scale = 1) => (value === undefined ? fallback : Number(value) * scale);
  const result = await measureAzureTracking({
    jobs: number(values.jobs, DEFAULT_AZURE_TRACKING.jobs),
    intervalMs: number(values['interval-ms'], DEFAULT_AZURE_TRACKING.intervalMs),
    warmupMs: number(values['warmup-s'], DEFAULT_AZURE_TRACKING.warmupMs, 1000),
    measureMs: number(values['measure-s'], DEFAULT_AZURE_TRACKING.measureMs, 1000),
    outputEveryMs: number(values['output-every-s'], DEFAULT_AZURE_TRACKING.outputEveryMs, 1000),
    streamCallsPerMinute: number(values['stream-calls-per-minute'], DEFAULT_AZURE_TRACKING.streamCallsPerMinute),
  });
  console.table({
    'tracked jobs': result.jobs,
    'measured (s)': result.measureMs / 1000,
    'ARM calls': result.calls,
    '  job-list calls': result.listCalls,
    '  stream/output calls': result.streamCalls,
    'calls / job / minute': Number(result.callsPerJobPerMinute.toFixed(4)),
    'naive (GET per job per 10 s)': result.naiveCallsPerJobPerMinute,
    'output lines written / shown': `${result.linesWritten} / ${result.linesShown}`,
  });
  console.log(JSON.stringify(result));
}
