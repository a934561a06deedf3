/**
 * Shared set-up for tests that run real local jobs: a fresh spool folder per test, executors
 * and stray processes cleaned up after each test (mocha hooks registered by the caller's
 * describe block).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ParameterValue, RunbookDefinition } from '../../../src/domain/runbook.js';
import { LocalExecutor, type LocalExecutorOptions } from '../../../src/execution/local/local-executor.js';
import { silentLogger } from '../../../src/logging/logger.js';
import { isRunning, JobEvents } from './job-events.js';

export interface StartedJob {
  events: JobEvents;
  executorJobId: string;
}

export interface LocalHarness {
  readonly spoolDir: string;
  executor(options?: Partial<LocalExecutorOptions>): LocalExecutor;
  start(
    local: LocalExecutor,
    runbook: RunbookDefinition,
    values?: Record<string, ParameterValue>,
    job?: { jobId?: string; timeoutSeconds?: number },
  ): Promise<StartedJob>;
  /** Processes a test saw started; killed after the test if they are still there. */
  reap(...pids: number[]): void;
}

export function useLocalExecutors(runbooksDir: string, defaults: Partial<LocalExecutorOptions> = {}): LocalHarness {
  let spoolDir = '';
  const executors: LocalExecutor[] = [];
  const pids: number[] = [];

  beforeEach(() => {
    spoolDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-spool-'));
  });

  afterEach(async () => {
    for (const local of executors.splice(0)) await local.close();
    for (const pid of pids.splice(0)) if (isRunning(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(spoolDir, { recursive: true, force: true });
  });

  return {
    get spoolDir() {
      return spoolDir;
    },
    executor(options = {}) {
      const created = new LocalExecutor({ runbooksDir, spoolDir, outputCapBytes: 1024 * 1024, logger: silentLogger(), ...defaults, ...options });
      executors.push(created);
      return created;
    },
    async start(local, runbook, values = {}, job = {}) {
      const events = new JobEvents();
      const executorJobId = await local.start(
        { jobId: job.jobId ?? `job-${runbook.name}`, runbook, values, target: 'local', timeoutSeconds: job.timeoutSeconds ?? 30 },
        events.listener,
      );
      return { events, executorJobId };
    },
    reap(...started) {
      pids.push(...started);
    },
  };
}
