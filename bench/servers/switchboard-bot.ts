/**
 * The Switchboard under test: the whole product from buildApp (restify + CloudAdapter + bot +
 * catalog + job service + SQLite) in development mode (authentication off, like the echo bot) on
 * 127.0.0.1, with the runbooks folder and data folder the bench prepared.
 *
 * Its executor takes BENCH_START_DELAY_MS to start each run (DelayedStartExecutor) and then holds
 * the run as running (HeldExecutor: the work happens elsewhere, as with Azure Automation), so the
 * P2 submits meet a slow executor and the P5 RSS includes every run still tracked.
 *
 * Requests from the bench (ipc.ts): memory, jobs (what the executor and the store saw).
 */
import type { App, AppOverrides } from '../../src/app.js';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import type { Executor } from '../../src/execution/executor.js';
import { createLogger } from '../../src/logging/logger.js';
import { DelayedStartExecutor } from '../executors/delayed-start.js';
import { HeldExecutor } from '../executors/held-executor.js';
import { memoryReading, serveParent } from '../lib/ipc.js';

/** The buildApp hook that lets a tool replace the configured executor (see docs/performance.md). */
type ExecutorHook = { wrapExecutor?: (configured: Executor) => Executor };

const delayMs = Number(process.env.BENCH_START_DELAY_MS ?? 2000);
const config = loadConfig({
  PORT: '0',
  HOST: '127.0.0.1',
  SWITCHBOARD_DEV: 'true',
  LOG_LEVEL: 'info',
  RUNBOOKS_DIR: required('RUNBOOKS_DIR'),
  DATA_DIR: required('DATA_DIR'),
});

const executors: { held: HeldExecutor; delayed: DelayedStartExecutor }[] = [];
const overrides: AppOverrides & ExecutorHook = {
  // Production logging (JSON lines at info to stdout, drained by the bench).
  logger: createLogger(config.logLevel),
  wrapExecutor: (configured) => {
    const held = new HeldExecutor(configured.name);
    const delayed = new DelayedStartExecutor(held, delayMs);
    executors.push({ held, delayed });
    return delayed;
  },
};

const startedAt = performance.now();
const app: App = await buildApp(config, overrides);
const { url } = await app.start();
serveParent(
  { url, readyMs: performance.now() - startedAt, runbooks: app.catalog.list().length, catalogProblems: app.catalog.problems().length, executorHook: executors.length > 0 },
  {
    memory: memoryReading,
    jobs: async () => ({
      startsRequested: executors.reduce((sum, e) => sum + e.delayed.startsRequested, 0),
      held: executors.reduce((sum, e) => sum + e.held.heldCount, 0),
      running: (await app.store.listJobs({ statuses: ['running'] })).length,
      queued: (await app.store.listJobs({ statuses: ['queued'] })).length,
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
