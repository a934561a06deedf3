/**
 * Tracks every running job of one Automation account with as few Resource Manager calls as the
 * API allows (ARM throttles reads per identity and subscription):
 *
 * 1. Status: ONE `Job_ListByAutomationAccount` per interval for all tracked jobs, filtered on
 *    `properties/lastModifiedTime ge <previous list − skew>`, so the answer holds only jobs that
 *    changed (plus a few seconds of overlap for clock skew; repeats are recognised and ignored).
 * 2. Output: stream reads (`JobStream_ListByJob` filtered on `properties/time ge <cursor>`, then
 *    `JobStream_Get` per new record for its text) are spent from per-account budgets: running
 *    jobs share `streamCallsPerMinute`; finished jobs, whose remaining output must reach the
 *    card before it can say "completed", have three times that and are served first. Running
 *    jobs are read in order of when their next look is due (at once after a status change); a
 *    look is due sooner while the job is young or talkative and backs off while it is quiet. Records are
 *    read once: the cursor (Azure's own timestamp text plus the ids seen at that instant) means
 *    nothing already reported is fetched again.
 * 3. Completion: the remaining records are read, a failed job's `exception` is fetched with one
 *    Job_Get (lists do not carry it), and when nothing of a finished job's output was shown yet
 *    its Output stream comes in one Job_GetOutput call instead of one call per record.
 *
 * The interval adapts: short while a job is young, back to the base after a change, 1.5× longer
 * after each quiet poll (up to 4× the base), doubled after a failure, and never shorter than a
 * Retry-After Azure asked for. When polls keep failing the jobs are reported lost with the reason
 * instead of hanging; a job Azure answers 404 for on three looks in a row (one 404 can be ARM's
 * replication delay) is reported lost.
 */
import type { OutputStream } from '../../domain/job.js';
import type { Logger } from '../../logging/logger.js';
import type { ExecutionEvent, ExecutionListener } from '../executor.js';
import { ArmError } from './arm-errors.js';
import type { AzureJobStream } from './arm-types.js';
import type { AutomationClient } from './automation-client.js';
import { compareAzureTime, odataTime } from './azure-time.js';
import { finalStatus, isFinalAzureStatus, liveStatus } from './job-status.js';

/** Overlap of consecutive job-list windows, covering clock skew between this host and Azure. */
const LIST_SKEW_MS = 30_000;
/** 404s in a row before a job counts as gone: a single one can be Resource Manager's replication delay. */
export const MISSING_CONFIRMATIONS = 3;
/** A running job's output is looked at no less often than this (budget permitting). */
const MAX_LOOK_GAP_MS = 10 * 60_000;

const SHOWN_STREAMS: Record<string, OutputStream> = {
  Output: 'output',
  Error: 'error',
  Warning: 'warning',
  Verbose: 'verbose',
  Progress: 'progress',
};

export interface JobTrackerOptions {
  client: AutomationClient;
  /** Base interval between job-list calls. */
  pollIntervalMs: number;
  /** ARM calls per minute this account may spend on running jobs' output, all jobs together (default 40). */
  streamCallsPerMinute?: number;
  /** Consecutive failed polls after which the tracked jobs are reported lost. */
  giveUpAfterFailures?: number;
  logger: Logger;
}

export interface TrackRequest {
  /** Switchboard's job id (logs only). */
  jobId: string;
  jobName: string;
  listener: ExecutionListener;
  /** Azure status, lastModifiedTime and endTime as last seen (from Job_Create or Job_Get). */
  status: string;
  lastModifiedTime?: string;
  endTime?: string | null;
  /** Stream records at or before this Azure time were reported already. */
  cursorTime: string;
  /** True when records exactly at `cursorTime` were reported too (resume after a restart). */
  cursorInclusive?: boolean;
  /** Stop the job once it runs longer than this (epoch ms). */
  deadline?: number;
  timeoutSeconds?: number;
}

interface Tracked extends TrackRequest {
  seenAtCursor: Set<string>;
  pending: AzureJobStream[];
  outputsShown: number;
  trackedAt: number;
  dueAt: number;
  quietLooks: number;
  stopRequested: boolean;
  final?: { status: string; endTime?: string | null };
  /** The streams were listed after the job was seen final: nothing more can appear. */
  finalListed: boolean;
  streamFailures: number;
  /** Consecutive 404s on this job's reads. */
  missing: number;
}

class BudgetExhausted extends Error {}

/** Calls per minute, accruing while unused up to what the longest poll interval needs. */
class CallBudget {
  private tokens: number;
  private refilledAt = Date.now();
  private readonly burst: number;

  constructor(
    private readonly perMinute: number,
    longestIntervalMs: number,
  ) {
    this.burst = Math.max(5, (perMinute * longestIntervalMs) / 60_000);
    this.tokens = this.burst;
  }

  available(): boolean {
    const now = Date.now();
    this.tokens = Math.min(this.burst, this.tokens + ((now - this.refilledAt) * this.perMinute) / 60_000);
    this.refilledAt = now;
    return this.tokens >= 1;
  }

  take(): void {
    if (!this.available()) throw new BudgetExhausted();
    this.tokens -= 1;
  }
}

/** Reading what is left of finished jobs matters more than sampling running ones: 3× the budget. */
const COMPLETION_BUDGET_FACTOR = 3;

export class JobTracker {
  private readonly client: AutomationClient;
  private readonly logger: Logger;
  private readonly baseMs: number;
  private readonly fastMs: number;
  private readonly maxMs: number;
  /** Output of running jobs. */
  private readonly live: CallBudget;
  /** The rest of finished jobs' output and a failed job's exception. */
  private readonly completion: CallBudget;
  private readonly giveUpAfter: number;
  private readonly jobs = new Map<string, Tracked>();
  private intervalMs: number;
  private lastListAt?: number;
  private pauseUntil = 0;
  private failures = 0;
  private timer?: NodeJS.Timeout;
  private timerDueAt = 0;
  private polling = false;
  /** Someone asked for a prompt poll while one was running. */
  private soonRequested = false;
  private closed = false;

  constructor(options: JobTrackerOptions) {
    this.client = options.client;
    this.logger = options.logger;
    this.baseMs = options.pollIntervalMs;
    this.fastMs = Math.max(50, Math.round(options.pollIntervalMs / 3));
    this.maxMs = options.pollIntervalMs * 4;
    this.intervalMs = this.baseMs;
    const perMinute = options.streamCallsPerMinute ?? 40;
    this.live = new CallBudget(perMinute, this.maxMs);
    this.completion = new CallBudget(perMinute * COMPLETION_BUDGET_FACTOR, this.maxMs);
    this.giveUpAfter = options.giveUpAfterFailures ?? 10;
  }

  track(request: TrackRequest): void {
    const now = Date.now();
    this.jobs.set(request.jobName, {
      ...request,
      seenAtCursor: new Set(),
      pending: [],
      outputsShown: 0,
      trackedAt: now,
      dueAt: now,
      quietLooks: 0,
      stopRequested: false,
      final: isFinalAzureStatus(request.status) ? { status: request.status, endTime: request.endTime } : undefined,
      finalListed: false,
      streamFailures: 0,
      missing: 0,
    });
    this.pollWithin(this.fastMs);
  }

  untrack(jobName: string): void {
    this.jobs.delete(jobName);
  }

  /** Look at a job again soon (after a cancel, for instance). */
  lookSoon(jobName: string): void {
    const job = this.jobs.get(jobName);
    if (!job) return;
    job.dueAt = Date.now();
    this.pollWithin(this.fastMs);
  }

  /** True while polls keep failing (readiness). */
  failing(): boolean {
    return this.failures > 0;
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.jobs.clear();
  }

  // ---- scheduling -------------------------------------------------------------------------

  private pollWithin(delayMs: number): void {
    if (this.closed) return;
    if (this.polling) {
      this.soonRequested = true;
      return;
    }
    const due = Math.max(Date.now() + delayMs, this.pauseUntil);
    if (this.timer && this.timerDueAt <= due) return;
    clearTimeout(this.timer);
    this.timerDueAt = due;
    this.timer = setTimeout(() => void this.poll(), due - Date.now());
  }

  private scheduleNext(outcome: 'changed' | 'quiet' | 'failed'): void {
    this.timer = undefined;
    if (this.closed || this.jobs.size === 0) return;
    const next =
      outcome === 'failed'
        ? Math.min(this.maxMs, this.intervalMs * 2)
        : outcome === 'changed'
          ? this.baseMs
          : Math.min(this.maxMs, Math.round(this.intervalMs * 1.5));
    this.intervalMs = next;
    const young = [...this.jobs.values()].some((job) => Date.now() - job.trackedAt < 2 * this.baseMs);
    const hurry = (young || this.soonRequested) && outcome !== 'failed';
    this.soonRequested = false;
    this.pollWithin(hurry ? Math.min(next, this.fastMs) : next);
  }

  private async poll(): Promise<void> {
    this.timer = undefined;
    if (this.closed || this.jobs.size === 0) return;
    this.polling = true;
    let outcome: 'changed' | 'quiet' | 'failed' = 'quiet';
    try {
      const statusChanged = await this.refreshStatuses();
      this.failures = 0;
      await this.enforceTimeouts();
      const outputChanged = await this.readOutputs();
      outcome = statusChanged || outputChanged ? 'changed' : 'quiet';
    } catch (error) {
      outcome = 'failed';
      this.pollFailed(error);
    } finally {
      this.polling = false;
    }
    this.scheduleNext(outcome);
  }

  // ---- status -----------------------------------------------------------------------------

  private async refreshStatuses(): Promise<boolean> {
    const startedAt = Date.now();
    const since = this.lastListAt ?? Math.min(...[...this.jobs.values()].map((job) => job.trackedAt));
    const listed = await this.client.listJobs(`properties/lastModifiedTime ge ${odataTime(since - LIST_SKEW_MS)}`);
    this.lastListAt = startedAt;
    let changed = false;
    for (const azureJob of listed) {
      const job = this.jobs.get(azureJob.name);
      const status = azureJob.properties.status;
      if (!job || job.final || !status) continue;
      const modified = azureJob.properties.lastModifiedTime;
      if (status === job.status && modified === job.lastModifiedTime) continue;
      changed = true;
      job.lastModifiedTime = modified;
      job.dueAt = Date.now();
      if (status === job.status) continue;
      job.status = status;
      if (isFinalAzureStatus(status)) job.final = { status, endTime: azureJob.properties.endTime };
      else this.emit(job, { kind: 'status', status: liveStatus(status), executorStatus: status, at: modified ?? new Date().toISOString() });
    }
    return changed;
  }

  private async enforceTimeouts(): Promise<void> {
    const now = Date.now();
    for (const job of this.jobs.values()) {
      if (job.final || job.stopRequested || job.deadline === undefined || now < job.deadline) continue;
      job.stopRequested = true;
      try {
        await this.client.stopJob(job.jobName);
        this.notice(job, `stopping the job: it ran longer than the runbook's timeout of ${job.timeoutSeconds ?? '?'} s.`);
      } catch (error) {
        job.stopRequested = false;
        this.logger.warn({ job: job.jobId, err: error }, 'could not stop a job that ran past its timeout');
      }
    }
  }

  // ---- output -----------------------------------------------------------------------------

  private spend(job: Tracked): void {
    (job.final ? this.completion : this.live).take();
  }

  private async readOutputs(): Promise<boolean> {
    const now = Date.now();
    const queue = [...this.jobs.values()]
      .filter((job) => job.final || job.pending.length > 0 || job.dueAt <= now)
      .sort((a, b) => Number(Boolean(b.final)) - Number(Boolean(a.final)) || a.dueAt - b.dueAt);
    let changed = false;
    for (const job of queue) {
      if (this.closed) break;
      if (!(job.final ? this.completion : this.live).available()) {
        // Finished jobs come first: once the live budget is spent, nothing after it can be read.
        if (job.final) continue;
        break;
      }
      try {
        changed = (await this.readJob(job)) || changed;
        job.streamFailures = 0;
        job.missing = 0;
      } catch (error) {
        if (error instanceof BudgetExhausted) continue;
        if (error instanceof ArmError && error.code === 'throttled') throw error;
        this.jobReadFailed(job, error);
      }
    }
    return changed;
  }

  /** Reads what is new for one job; returns true when something was reported. */
  private async readJob(job: Tracked): Promise<boolean> {
    let reported = false;
    if (job.pending.length === 0 && !job.finalListed) {
      this.spend(job);
      const wasFinal = Boolean(job.final);
      const records = await this.client.listJobStreams(job.jobName, `properties/time ge ${job.cursorTime}`);
      job.pending = records.filter((record) => this.isNew(job, record)).sort((a, b) => compareAzureTime(a.properties.time, b.properties.time));
      job.finalListed = wasFinal;
    }
    if (job.final && job.outputsShown === 0 && job.pending.filter(isOutput).length > 1) reported = (await this.readWholeOutput(job)) || reported;
    while (job.pending.length > 0) {
      const record = job.pending[0];
      const text = record.properties.streamType === 'Progress' ? (record.properties.summary ?? '') : await this.recordText(job, record);
      job.pending.shift();
      this.markSeen(job, record);
      if (!text) continue;
      if (isOutput(record)) job.outputsShown += 1;
      this.emit(job, { kind: 'output', stream: SHOWN_STREAMS[record.properties.streamType], text, at: record.properties.time });
      reported = true;
    }
    if (job.final) {
      await this.finish(job);
      return true;
    }
    job.quietLooks = reported ? 0 : job.quietLooks + 1;
    const age = Date.now() - job.trackedAt;
    const gap = Math.min(MAX_LOOK_GAP_MS, Math.max(this.baseMs, age / 4) * 2 ** Math.min(job.quietLooks, 6));
    job.dueAt = Date.now() + gap;
    return reported;
  }

  private isNew(job: Tracked, record: AzureJobStream): boolean {
    if (!(record.properties.streamType in SHOWN_STREAMS)) return false;
    const order = compareAzureTime(record.properties.time, job.cursorTime);
    if (order < 0) return false;
    if (order > 0) return true;
    return !job.cursorInclusive && !job.seenAtCursor.has(record.properties.jobStreamId);
  }

  private markSeen(job: Tracked, record: AzureJobStream): void {
    const order = compareAzureTime(record.properties.time, job.cursorTime);
    if (order > 0) {
      job.cursorTime = record.properties.time;
      job.cursorInclusive = false;
      job.seenAtCursor = new Set();
    }
    if (order >= 0) job.seenAtCursor.add(record.properties.jobStreamId);
  }

  private async recordText(job: Tracked, record: AzureJobStream): Promise<string> {
    this.spend(job);
    const full = await this.client.getJobStream(job.jobName, record.properties.jobStreamId);
    const text = full.properties.streamText;
    if (text) return text;
    const value = full.properties.value;
    return value && Object.keys(value).length > 0 ? JSON.stringify(value) : '';
  }

  /** One Job_GetOutput instead of a JobStream_Get per Output record (finished jobs only). */
  private async readWholeOutput(job: Tracked): Promise<boolean> {
    this.spend(job);
    const text = await this.client.getJobOutput(job.jobName);
    const outputs = job.pending.filter(isOutput);
    job.pending = job.pending.filter((record) => !isOutput(record));
    for (const record of outputs) this.markSeen(job, record);
    job.outputsShown += outputs.length;
    if (!text) return false;
    this.emit(job, { kind: 'output', stream: 'output', text, at: outputs[outputs.length - 1].properties.time });
    return true;
  }

  private async finish(job: Tracked): Promise<void> {
    const final = job.final!;
    const status = finalStatus(final.status, job.stopRequested);
    let error: string | undefined;
    if (status === 'failed') {
      this.spend(job);
      const azureJob = await this.client.getJob(job.jobName);
      error = azureJob.properties.exception || 'Azure reports the job as Failed without an exception text; see the job in the Azure portal.';
    } else if (status === 'timed_out') {
      error = `Stopped by Switchboard after the runbook's timeout of ${job.timeoutSeconds ?? '?'} s.`;
    }
    this.emitFinished(job, { kind: 'finished', status, executorStatus: final.status, error, at: final.endTime ?? new Date().toISOString() });
  }

  private emitFinished(job: Tracked, event: Extract<ExecutionEvent, { kind: 'finished' }>): void {
    this.jobs.delete(job.jobName);
    this.emit(job, event);
  }

  /** A listener that throws must not stop the tracking of every other job. */
  private emit(job: Tracked, event: ExecutionEvent): void {
    try {
      job.listener(event);
    } catch (error) {
      this.logger.error({ job: job.jobId, event: event.kind, err: error }, 'job event listener failed');
    }
  }

  // ---- failures ---------------------------------------------------------------------------

  private notice(job: Tracked, text: string): void {
    this.emit(job, { kind: 'output', stream: 'warning', text: `Switchboard: ${text}`, at: new Date().toISOString() });
  }

  private lost(job: Tracked, reason: string): void {
    this.emitFinished(job, { kind: 'finished', status: 'lost', executorStatus: job.status, error: reason, at: new Date().toISOString() });
  }

  private describe(error: unknown): string {
    if (error instanceof ArmError) return error.hint ? `${error.message} ${error.hint}` : error.message;
    return error instanceof Error ? error.message : String(error);
  }

  private pollFailed(error: unknown): void {
    this.failures += 1;
    if (error instanceof ArmError && error.retryAfterMs !== undefined) this.pauseUntil = Date.now() + error.retryAfterMs;
    const reason = this.describe(error);
    this.logger.warn({ account: this.client.account.name, failures: this.failures, err: error }, 'Azure job tracking poll failed');
    for (const job of [...this.jobs.values()]) {
      if (this.failures >= this.giveUpAfter)
        this.lost(job, `Switchboard lost track of the Azure job after ${this.failures} failed attempts: ${reason}`);
      else if (this.failures === 1) this.notice(job, `cannot read the job status from Azure right now (${reason}); retrying.`);
    }
  }

  private jobReadFailed(job: Tracked, error: unknown): void {
    if (error instanceof ArmError && error.statusCode === 404) {
      job.missing += 1;
      if (job.missing >= MISSING_CONFIRMATIONS)
        this.lost(job, `The job ${job.jobName} no longer exists in Automation account "${this.client.account.accountName}".`);
      else job.dueAt = Date.now() + this.intervalMs;
      return;
    }
    job.streamFailures += 1;
    const reason = this.describe(error);
    this.logger.warn({ job: job.jobId, failures: job.streamFailures, err: error }, 'reading Azure job output failed');
    if (job.streamFailures === 1) this.notice(job, `cannot read the job output from Azure right now (${reason}); retrying.`);
    if (job.final && job.streamFailures >= this.giveUpAfter) {
      const final = job.final;
      this.emitFinished(job, {
        kind: 'finished',
        status: finalStatus(final.status, job.stopRequested),
        executorStatus: final.status,
        error: `The job ended, but part of its output could not be read from Azure: ${reason}`,
        at: final.endTime ?? new Date().toISOString(),
      });
      return;
    }
    job.dueAt = Date.now() + this.intervalMs;
  }
}

function isOutput(record: AzureJobStream): boolean {
  return record.properties.streamType === 'Output';
}
