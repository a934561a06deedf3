/**
 * The Switchboard under test: the whole product from buildApp (restify + CloudAdapter + bot +
 * catalog + job service + outbox + SQLite) in development mode (authentication off, like the echo
 * bot) on 127.0.0.1, with the runbooks and data folders the bench prepared and Azure Automation
 * as executor — the local ARM endpoint the bench runs (test/support/fake-arm.ts), reached through
 * the product's own client with the fake's certificate and a static token.
 *
 * Every Azure executor is wrapped so that each start takes BENCH_START_DELAY_MS longer
 * (DelayedStartExecutor): the slow starts P2 submits meet. The jobs then run in the fake and are
 * tracked by the product's batched job tracker, which P5's RSS includes.
 *
 * Requests from the bench (ipc.ts): memory, cpu, jobs (what the executor and the store saw),
 * handling (time inside the server of the activities answered since the last ask), loopDelay
 * (the longest event-loop hold-up since the last ask).
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { App, AppOverrides } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logging/logger.js';
import { NO_TELEMETRY } from '../../src/telemetry/telemetry.js';
import { staticTokenCredential } from '../../test/support/fake-arm.js';
import { DelayedStartExecutor } from '../executors/delayed-start.js';
import { cpuMilliseconds, memoryReading, serveParent } from '../lib/ipc.js';
import { summarize } from '../lib/stats.js';

const delayMs = Number(process.env.BENCH_START_DELAY_MS ?? 2000);
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  SWITCHBOARD_DEV: 'true',
  LOG_LEVEL: 'info',
  RUNBOOKS_DIR: required('RUNBOOKS_DIR'),
  DATA_DIR: required('DATA_DIR'),
  EXECUTOR: 'azure',
  AZURE_ARM_ENDPOINT: required('BENCH_ARM_URL'),
  AZURE_AUTOMATION_ACCOUNTS: required('BENCH_ARM_ACCOUNT'),
});

const delayed: DelayedStartExecutor[] = [];
// Time each activity spent inside the server, from the product's own request telemetry (a
// restify pre-handler: from the request's arrival to the answer's last byte).
const handlingMs: number[] = [];
const overrides: AppOverrides = {
  telemetry: { ...NO_TELEMETRY, request: (request) => handlingMs.push(request.durationMs) },
  // Production logging (JSON lines at info to stdout, drained by the bench).
  logger: createLogger(config.logLevel),
  azureClient: { credential: staticTokenCredential(), tlsOptions: { ca: required('BENCH_ARM_CA') } },
  wrapExecutor: (executor) => {
    if (!executor.name.startsWith('azure:')) return executor;
    const wrapped = new DelayedStartExecutor(executor, delayMs);
    delayed.push(wrapped);
    return wrapped;
  },
};

// How long the event loop was held up: a request that arrives meanwhile waits at least that long.
const loopDelay = monitorEventLoopDelay({ resolution: 10 });
loopDelay.enable();

const startedAt = performance.now();
const app: App = await buildApp(config, overrides);
const { url } = await app.start();
serveParent(
  { url, readyMs: performance.now() - startedAt, runbooks: app.catalog.list().length, catalogProblems: app.catalog.problems().length, executorHook: delayed.length > 0 },
  {
    memory: memoryReading,
    cpu: cpuMilliseconds,
    // Time inside the server of the activities answered since the last call (ms).
    handling: () => summarize(handlingMs.splice(0)),
    // The longest hold-up since the last call (ms), then starts counting afresh.
    loopDelay: () => {
      const longest = { maxMs: loopDelay.max / 1e6, p99Ms: loopDelay.percentile(99) / 1e6 };
      loopDelay.reset();
      return longest;
    },
    jobs: async () => ({
      startsRequested: delayed.reduce((sum, e) => sum + e.startsRequested, 0),
      running: (await app.store.listJobs({ statuses: ['running'] })).length,
      failed: (await app.store.listJobs({ statuses: ['failed'] })).length,
    }),
  },
);

process.on('SIGTERM', () => {
  app.stop().then(
    () => process.exit(0),
    () => process.exit(1),
  );
});

function required(key: string): string {
  const value = process.env[key];
  if (!value) throw new Error(`${key} must be set (bench/run.ts sets it)`);
  return value;
}
