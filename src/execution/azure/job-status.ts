/**
 * Azure Automation job statuses (job.json 2024-10-23) mapped onto the product's job states.
 * The native status is always reported too (`executorStatus`) so the card shows Azure's word.
 */
import type { JobStatus } from '../../domain/job.js';
import type { ExecutionEvent } from '../executor.js';

type FinishedStatus = Extract<ExecutionEvent, { kind: 'finished' }>['status'];

const LIVE: Record<string, JobStatus> = {
  New: 'queued',
  Activating: 'queued',
  Running: 'running',
  Resuming: 'running',
  Suspending: 'suspended',
  Suspended: 'suspended',
  // Blocked and Disconnected jobs are not progressing but are not over either: like a suspended
  // job they need someone to look (the card shows Azure's own word next to it).
  Blocked: 'suspended',
  Disconnected: 'suspended',
  Stopping: 'cancelling',
  Removing: 'cancelling',
};

const FINAL: Record<string, FinishedStatus> = {
  Completed: 'completed',
  Failed: 'failed',
  Stopped: 'cancelled',
};

export function isFinalAzureStatus(status: string): boolean {
  return status in FINAL;
}

/** Live status for a non-final Azure status; unknown future values count as running. */
export function liveStatus(status: string): JobStatus {
  return LIVE[status] ?? 'running';
}

/**
 * Final status for Completed/Failed/Stopped. A job Switchboard stopped because it ran past the
 * runbook's timeout is reported as timed_out rather than cancelled.
 */
export function finalStatus(status: string, stoppedForTimeout: boolean): FinishedStatus {
  const mapped = FINAL[status] ?? 'failed';
  return mapped === 'cancelled' && stoppedForTimeout ? 'timed_out' : mapped;
}
