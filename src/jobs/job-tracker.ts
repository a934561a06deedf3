/**
 * Follows one run: turns executor events into stored state, output and card updates, in the
 * order they happened. Every step runs on one chain per job, so a status change, an output batch
 * and the final result never overtake each other, and each is written to the store before the
 * card shows it. Card refreshes are paced (one per refreshMs per job at most) and the outbox
 * coalesces them further; the final card goes through CardDelivery's exactly-once path.
 */
import { isFinal, type Job, type JobStatus, type OutputChunk } from '../domain/job.js';
import type { ExecutionEvent, ExecutionListener } from '../execution/executor.js';
import type { Logger } from '../logging/logger.js';
import type { Store } from '../store/store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import type { AuditTrail } from './audit-trail.js';
import type { CardDelivery } from './card-delivery.js';
import type { Clock, TimerHandle } from './clock.js';
import type { JobWriter } from './job-writer.js';
import { readOutputTail } from './output-tail.js';

export type Outcome = Omit<Extract<ExecutionEvent, { kind: 'finished' }>, 'kind'>;

export interface TrackerDeps {
  store: Store;
  writer: JobWriter;
  delivery: CardDelivery;
  audit: AuditTrail;
  telemetry: Telemetry;
  clock: Clock;
  logger: Logger;
  /** Least time between two intermediate card updates of one job. */
  refreshMs: number;
  /** Output lines kept for the card. */
  tailLines: number;
  /** Called once the final state is stored and its card delivered (or given up). */
  onDone(tracker: JobTracker): void;
}

type NewChunk = Pick<OutputChunk, 'stream' | 'text' | 'at'>;

export class JobTracker {
  private current: Job;
  /** Last chunks for the card; seq mirrors the store's, which numbers appends in order. */
  private readonly tail: OutputChunk[] = [];
  private lastSeq = 0;
  private buffered: NewChunk[] = [];
  private progress?: { percent: number; text?: string };
  private chain: Promise<void> = Promise.resolve();
  private refreshTimer?: TimerHandle;
  private lastRefresh = Number.NEGATIVE_INFINITY;
  private notBefore = 0;
  private stopped = false;
  private posting: Promise<unknown> = Promise.resolve();
  private readonly log: Logger;

  constructor(
    job: Job,
    private readonly deps: TrackerDeps,
  ) {
    this.current = job;
    this.log = deps.logger.child({ job: job.id });
  }

  get job(): Job {
    return this.current;
  }

  get id(): string {
    return this.current.id;
  }

  /** Events from the executor, in the order it reports them. */
  readonly listener: ExecutionListener = (event) => {
    if (this.stopped) return;
    switch (event.kind) {
      case 'output':
        this.buffered.push({ stream: event.stream, text: event.text, at: event.at });
        this.remember({ jobId: this.id, seq: ++this.lastSeq, stream: event.stream, text: event.text, at: event.at });
        void this.enqueue(() => this.flushOutput());
        this.scheduleRefresh();
        break;
      case 'progress':
        this.progress = { percent: event.percent, text: event.text };
        this.scheduleRefresh();
        break;
      case 'status':
        void this.enqueue(() => this.applyStatus(event.status, event.executorStatus, event.at));
        break;
      case 'finished':
        void this.finish(event);
        break;
    }
  };

  /**
   * A card attached from a form submit is answered by the bot's invoke response; updates are held
   * back briefly so they cannot arrive before that response and be overwritten by it.
   */
  holdCardUntil(at: number): void {
    this.notBefore = at;
  }

  /** Posts the first card in the background; updates wait for its activity id. */
  postCard(): void {
    this.posting = this.deps.delivery
      .post(this.current)
      .then((job) => {
        this.adopt(job);
        this.scheduleRefresh();
      })
      .catch((error: unknown) => this.log.error({ err: error }, 'job card post failed'));
  }

  /** Restores the card's output lines after a restart. */
  async loadTail(): Promise<void> {
    const stored = await readOutputTail(this.deps.store, this.id, this.deps.tailLines);
    stored.forEach((chunk) => this.remember(chunk));
    this.lastSeq = stored.at(-1)?.seq ?? 0;
  }

  /** The output chunks the card shows now. */
  outputTail(): OutputChunk[] {
    return [...this.tail];
  }

  /** A job written elsewhere (a cancel request); shown with the next refresh. */
  observe(job: Job): void {
    this.adopt(job);
    this.scheduleRefresh();
  }

  /** Applies a change made outside the executor (start accepted, cancel requested) in order. */
  change(edit: (job: Job) => Job | undefined): Promise<Job> {
    return this.enqueue(async () => {
      this.adopt(await this.deps.writer.change(this.current, edit));
      this.scheduleRefresh();
    }).then(() => this.current);
  }

  /** Ends the run with this outcome (from the executor, a failed start, or a lost run). */
  finish(outcome: Outcome): Promise<void> {
    return this.enqueue(() => this.finishNow(outcome));
  }

  /** Stops following the run without ending it (lease lost, shutdown). */
  stop(): void {
    this.stopped = true;
    if (this.refreshTimer) this.deps.clock.clearTimeout(this.refreshTimer);
    this.refreshTimer = undefined;
  }

  /** Resolves when every step queued so far has run. */
  idle(): Promise<void> {
    return this.chain;
  }

  private enqueue(step: () => Promise<void>): Promise<void> {
    this.chain = this.chain.then(step).catch((error: unknown) => this.log.error({ err: error }, 'job tracking step failed'));
    return this.chain;
  }

  private adopt(job: Job): void {
    if (job.version >= this.current.version) this.current = job;
  }

  private remember(chunk: OutputChunk): void {
    this.tail.push(chunk);
    if (this.tail.length > this.deps.tailLines) this.tail.splice(0, this.tail.length - this.deps.tailLines);
  }

  private async flushOutput(): Promise<void> {
    if (!this.buffered.length) return;
    const batch = this.buffered;
    this.buffered = [];
    try {
      await this.deps.store.appendOutput(this.id, batch);
    } catch (error) {
      this.buffered = [...batch, ...this.buffered];
      throw error;
    }
  }

  private async applyStatus(status: JobStatus, executorStatus: string | undefined, at: string): Promise<void> {
    this.adopt(
      await this.deps.writer.change(this.current, (j) => {
        if (isFinal(j.status)) return undefined;
        // A requested cancel stays visible until the run really ends; final states come with 'finished'.
        const next = j.status === 'cancelling' || isFinal(status) ? j.status : status;
        const reported = executorStatus ?? j.executorStatus;
        if (next === j.status && reported === j.executorStatus) return undefined;
        return { ...j, status: next, executorStatus: reported, startedAt: j.startedAt ?? (next === 'running' ? at : undefined) };
      }),
    );
    this.scheduleRefresh();
  }

  private scheduleRefresh(): void {
    if (this.stopped || this.refreshTimer) return;
    const now = this.deps.clock.now();
    const due = Math.max(this.lastRefresh + this.deps.refreshMs, this.notBefore) - now;
    this.refreshTimer = this.deps.clock.setTimeout(() => {
      this.refreshTimer = undefined;
      void this.enqueue(() => this.refresh());
    }, Math.max(0, due));
  }

  private async refresh(): Promise<void> {
    if (this.stopped) return;
    this.lastRefresh = this.deps.clock.now();
    const progress = this.progress;
    if (progress && (progress.percent !== this.current.progress || progress.text !== this.current.progressText)) {
      // Progress is stored at the card's pace, not per event: it only matters for what the card shows.
      this.adopt(
        await this.deps.writer.change(this.current, (j) =>
          isFinal(j.status) ? undefined : { ...j, progress: progress.percent, progressText: progress.text },
        ),
      );
    }
    this.deps.delivery.refresh(this.current, [...this.tail]);
  }

  private async finishNow(outcome: Outcome): Promise<void> {
    if (this.stopped) return;
    this.stop();
    const { writer, audit, telemetry, clock, delivery } = this.deps;
    await this.flushOutput().catch((error: unknown) => this.log.error({ err: error }, 'output of a finished job could not be stored'));
    let ended = false;
    this.adopt(
      await writer.change(this.current, (j) => {
        ended = !isFinal(j.status);
        if (!ended) return undefined;
        return {
          ...j,
          status: outcome.status,
          executorStatus: outcome.executorStatus ?? j.executorStatus,
          exitCode: outcome.exitCode,
          error: outcome.error,
          endedAt: outcome.at,
          progress: this.progress?.percent ?? j.progress,
          progressText: this.progress?.text ?? j.progressText,
        };
      }),
    );
    const job = this.current;
    if (ended) {
      const detail = finishedDetail(job);
      await audit.record('job.finished', { job, detail });
      telemetry.event('run.finished', { runbook: job.runbook, target: job.target, outcome: job.status }, { durationMs: detail.durationMs });
    }
    const hold = this.notBefore - clock.now();
    if (hold > 0) await new Promise<void>((resolve) => clock.setTimeout(resolve, hold));
    await this.posting;
    const delivered = await delivery.final(job.id);
    if (delivered) this.adopt(delivered);
    this.deps.onDone(this);
  }
}

/** What the job.finished audit record says about a run that has ended. */
export function finishedDetail(job: Job): { status: string; exitCode?: number; error?: string; durationMs: number } {
  const durationMs = Math.max(0, Date.parse(job.endedAt ?? job.createdAt) - Date.parse(job.startedAt ?? job.createdAt));
  return { status: job.status, exitCode: job.exitCode, error: job.error, durationMs };
}
