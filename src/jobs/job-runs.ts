/**
 * The runs this instance owns: the leases it holds (`job:<id>`), the trackers following runs,
 * and the background work (starts, final cards) that request paths never wait for.
 */
import type { Job } from '../domain/job.js';
import type { ExecutionSpec, Executor } from '../execution/executor.js';
import type { TimerHandle } from './clock.js';
import { describeError, isoNow, type JobLayer } from './job-layer.js';
import { JobTracker } from './job-tracker.js';

const leaseKey = (jobId: string) => `job:${jobId}`;
/** Lease renewals sent at once. */
const RENEW_BATCH = 32;

export class JobRuns {
  private readonly trackers = new Map<string, JobTracker>();
  /** Jobs this instance holds the lease of (tracking, starting, or delivering a final card). */
  private readonly claimed = new Set<string>();
  private readonly background = new Set<Promise<unknown>>();

  constructor(private readonly layer: JobLayer) {}

  isClaimed(jobId: string): boolean {
    return this.claimed.has(jobId);
  }

  /** Takes the job's lease; false when another instance holds it. */
  async claim(jobId: string): Promise<boolean> {
    const { deps, settings, clock } = this.layer;
    const lease = await deps.store.acquireLease(leaseKey(jobId), deps.instanceId, settings.leaseTtlMs, new Date(clock.now()));
    if (lease) this.claimed.add(jobId);
    return lease !== undefined;
  }

  async unclaim(jobId: string): Promise<void> {
    if (!this.claimed.delete(jobId)) return;
    await this.layer.deps.store
      .releaseLease(leaseKey(jobId), this.layer.deps.instanceId)
      .catch((error: unknown) => this.layer.log.warn({ job: jobId, err: error }, 'lease release failed; it expires on its own'));
  }

  tracker(jobId: string): JobTracker | undefined {
    return this.trackers.get(jobId);
  }

  trackedIds(): string[] {
    return [...this.trackers.keys()];
  }

  /** Follows a claimed job until its final card; then its lease is released. */
  track(job: Job): JobTracker {
    const { deps, settings, clock, log, writer, audit, delivery } = this.layer;
    this.claimed.add(job.id);
    const tracker = new JobTracker(job, {
      store: deps.store,
      writer,
      delivery,
      audit,
      telemetry: deps.telemetry,
      clock,
      logger: log,
      refreshMs: settings.cardRefreshMs,
      tailLines: settings.outputTailLines,
      onDone: (done) => {
        if (this.trackers.get(done.id) === done) this.trackers.delete(done.id);
        void this.unclaim(done.id);
      },
    });
    this.trackers.set(job.id, tracker);
    return tracker;
  }

  /** Stops following a run without ending it (lease lost, shutdown, reattach to retry later). */
  abandon(tracker: JobTracker): void {
    tracker.stop();
    if (this.trackers.get(tracker.id) === tracker) this.trackers.delete(tracker.id);
    const { executorJobId, executor } = tracker.job;
    if (executorJobId) this.layer.deps.executors.executorByName(executor)?.detach(executorJobId);
  }

  /** Starts the run off the request path: the caller has its answer before the executor is asked. */
  launch(tracker: JobTracker, executor: Executor, spec: ExecutionSpec): void {
    this.inBackground(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.startRun(tracker, executor, spec)));
  }

  private async startRun(tracker: JobTracker, executor: Executor, spec: ExecutionSpec): Promise<void> {
    const { audit, clock, log, deps } = this.layer;
    let executorJobId: string;
    try {
      executorJobId = await executor.start(spec, tracker.listener);
    } catch (error) {
      const message = describeError(error);
      log.warn({ job: spec.jobId, err: message }, 'executor did not start the run');
      await audit.record('job.start_failed', { job: tracker.job, detail: { executor: executor.name, error: message } });
      await tracker.finish({ status: 'failed', error: message, at: isoNow(clock) });
      return;
    }
    const job = await tracker.change((j) =>
      j.executorJobId === executorJobId ? undefined : { ...j, executorJobId, startedAt: j.startedAt ?? isoNow(clock) },
    );
    await audit.record('job.started', { job, detail: { executor: executor.name, executorJobId } });
    deps.telemetry.event('run.started', { runbook: job.runbook, target: job.target });
    // A cancel that arrived while the start was in flight could only be stored; now it can be sent.
    if (job.status === 'cancelling') await this.requestCancel(job, executor);
  }

  /** Asks the executor to stop the run; if it refuses, the run is shown as running again. */
  async requestCancel(job: Job, executor = this.layer.deps.executors.executorByName(job.executor)): Promise<void> {
    if (!executor || !job.executorJobId) return;
    try {
      await executor.cancel(job.executorJobId);
    } catch (error) {
      const message = describeError(error);
      this.layer.log.warn({ job: job.id, err: message }, 'cancel request failed');
      await this.layer.audit.record('job.cancel_failed', { job, detail: { error: message } });
      const reverted = await this.layer.writer.change(job, (j) =>
        j.status === 'cancelling' ? { ...j, status: j.startedAt ? 'running' : 'queued', executorStatus: `Cancel failed: ${message}` } : undefined,
      );
      this.trackers.get(job.id)?.observe(reverted);
    }
  }

  /** Delivers a final card in the background and lets go of the job afterwards. */
  deliverFinal(jobId: string): void {
    this.inBackground(this.layer.delivery.final(jobId).finally(() => this.unclaim(jobId)));
  }

  inBackground(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.layer.log.error({ err: error }, 'background job work failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  /**
   * Keeps the leases of everything this instance holds; lets go of jobs someone else took over.
   * Renewals go out together (in batches): one after the other, a round over many jobs on a slow
   * store outlasted the TTL itself, and another instance took over runs whose owner was alive.
   */
  async renewLeases(): Promise<void> {
    const ids = [...this.claimed];
    for (let i = 0; i < ids.length; i += RENEW_BATCH) await Promise.all(ids.slice(i, i + RENEW_BATCH).map((id) => this.renewLease(id)));
  }

  private async renewLease(id: string): Promise<void> {
    const { deps, settings, clock, log } = this.layer;
    try {
      if (await deps.store.acquireLease(leaseKey(id), deps.instanceId, settings.leaseTtlMs, new Date(clock.now()))) return;
    } catch (error) {
      log.warn({ job: id, err: error }, 'lease renewal failed; it is tried again next round');
      return;
    }
    log.warn({ job: id }, 'lease lost to another instance; it tracks the job from now on');
    const tracker = this.trackers.get(id);
    if (tracker) this.abandon(tracker);
    this.claimed.delete(id);
  }

  /**
   * Shutdown: waits (until the deadline) for starts, final cards and tracking steps in flight, so
   * executor job ids get stored; then detaches every run and releases every lease.
   */
  async stop(deadline: number): Promise<void> {
    await this.within(deadline, Promise.allSettled([...this.background]));
    await this.within(deadline, Promise.allSettled([...this.trackers.values()].map((t) => t.idle())));
    await this.layer.deps.messenger.drain(Math.max(0, deadline - this.layer.clock.now()));
    for (const tracker of [...this.trackers.values()]) this.abandon(tracker);
    await Promise.allSettled([...this.claimed].map((id) => this.unclaim(id)));
  }

  private async within(deadline: number, work: Promise<unknown>): Promise<void> {
    const { clock } = this.layer;
    const wait = deadline - clock.now();
    if (wait <= 0) return;
    let timer: TimerHandle | undefined;
    await Promise.race([work, new Promise<void>((resolve) => (timer = clock.setTimeout(resolve, wait)))]);
    if (timer) clock.clearTimeout(timer);
  }
}
