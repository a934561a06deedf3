import type { JobStatus, OutputStream } from '../domain/job.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';

/** Everything an executor needs to start one run; values are already validated. */
export interface ExecutionSpec {
  jobId: string;
  runbook: RunbookDefinition;
  /** Validated values, secrets included (in memory only). Order follows runbook.parameters. */
  values: Record<string, ParameterValue>;
  /** 'cloud', 'local' or a hybrid worker group name. */
  target: string;
  timeoutSeconds: number;
}

/** What an executor reports about a run, in order. */
export type ExecutionEvent =
  | { kind: 'status'; status: JobStatus; executorStatus?: string; at: string }
  | { kind: 'output'; stream: OutputStream; text: string; at: string }
  | { kind: 'progress'; percent: number; text?: string; at: string }
  | {
      kind: 'finished';
      status: Extract<JobStatus, 'completed' | 'failed' | 'cancelled' | 'timed_out' | 'lost'>;
      executorStatus?: string;
      exitCode?: number;
      error?: string;
      at: string;
    };

export type ExecutionListener = (event: ExecutionEvent) => void;

/**
 * Runs jobs somewhere. Implementations: local child processes (src/execution/local) and Azure
 * Automation (src/execution/azure). Events are pushed through the listener so that a batched
 * tracker (one list call per account per interval) and a child process look the same to the
 * job service.
 */
export interface Executor {
  /** e.g. 'local' or 'azure:prod'. Stored on the job so a restarted bot finds the executor. */
  readonly name: string;
  /** Starts the run; resolves with the executor's own id once it has accepted the job. */
  start(spec: ExecutionSpec, listener: ExecutionListener): Promise<string>;
  /** Asks the run to stop. Resolves once the request was accepted (the 'finished' event follows). */
  cancel(executorJobId: string): Promise<void>;
  /**
   * After a restart or a lease take-over: resume reporting for a run started earlier. Events
   * already reported may be skipped using `afterOutputSeq`-style cursors the implementation keeps;
   * if the run cannot be found any more the listener receives finished/lost.
   */
  reattach(jobId: string, executorJobId: string, listener: ExecutionListener): Promise<void>;
  /** Stops tracking (on shutdown or lease loss) without cancelling the runs. */
  detach(executorJobId: string): void;
  /**
   * Where this executor can run jobs (ExecutionSpec.target values), for executors that offer a
   * choice: Azure Automation lists 'cloud' and its Hybrid Runbook Worker groups. Absent: no choice.
   */
  targets?(): Promise<string[]>;
  /** Readiness probe for /readyz. */
  ready(): Promise<boolean>;
  close(): Promise<void>;
}

export class ExecutionError extends Error {
  constructor(
    message: string,
    /** Machine-readable reason, e.g. 'not_installed', 'forbidden', 'not_published', 'throttled'. */
    readonly code: string,
    /** What the user can do about it. */
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ExecutionError';
  }
}
