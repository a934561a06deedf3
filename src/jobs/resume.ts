/**
 * Taking over what nobody tracks, at startup and periodically: open runs whose lease is free
 * (reattached through their executor, or reported lost when they never got an executor job id),
 * expired approvals, and final cards that were stored but never delivered. Also the periodic
 * lease renewal of everything this instance holds.
 */
import { isFinal, type Job } from '../domain/job.js';
import type { Approvals } from './approvals.js';
import type { TimerHandle } from './clock.js';
import { describeError, isoNow, type JobLayer } from './job-layer.js';
import type { JobRuns } from './job-runs.js';
import { finishedDetail } from './job-tracker.js';
import type { ResumeReport } from './results.js';

const LOST_BEFORE_START =
  'Switchboard stopped before the executor confirmed that this run started, so it cannot be followed. ' +
  'It may or may not have run: check before running it again. Values of secret parameters are never stored, so it could not be resumed.';

export class JobResumer {
  private readonly reattachFailures = new Map<string, number>();
  private readonly timers = new Set<TimerHandle>();
  private resuming?: Promise<ResumeReport>;
  private stopped = false;

  constructor(
    private readonly layer: JobLayer,
    private readonly runs: JobRuns,
    private readonly approvals: Approvals,
  ) {}

  resumeAll(): Promise<ResumeReport> {
    this.resuming ??= this.resumeOnce().finally(() => {
      this.resuming = undefined;
    });
    return this.resuming;
  }

  /** Resumes now, then renews leases and resumes periodically until stopped. */
  async startMaintenance(): Promise<ResumeReport> {
    const report = await this.resumeAll();
    this.every(this.layer.settings.leaseRenewMs, () => this.runs.renewLeases());
    this.every(this.layer.settings.resumeEveryMs, () => this.resumeAll());
    return report;
  }

  /** Stops the periodic work and waits for a resume in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers) this.layer.clock.clearTimeout(timer);
    this.timers.clear();
    await this.resuming;
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    const { clock, log } = this.layer;
    const schedule = () => {
      const timer = clock.setTimeout(() => {
        this.timers.delete(timer);
        void work()
          .catch((error: unknown) => log.error({ err: error }, 'job maintenance failed'))
          .finally(() => !this.stopped && schedule());
      }, ms);
      this.timers.add(timer);
    };
    schedule();
  }

  private async resumeOnce(): Promise<ResumeReport> {
    const report: ResumeReport = { reattached: [], lost: [], expired: [], finalCardsDelivered: [], ownedElsewhere: [] };
    if (this.stopped) return report;
    const { store } = this.layer.deps;
    this.approvals.forgetExpired();
    const unsettled = await store.listJobs({ unsettled: true });
    const open = new Set(unsettled.map((j) => j.id));
    for (const id of this.reattachFailures.keys()) if (!open.has(id)) this.reattachFailures.delete(id);
    for (const listed of unsettled) {
      if (this.runs.isClaimed(listed.id)) continue;
      if (listed.status === 'pending_approval') {
        if (listed.approval && Date.parse(listed.approval.expiresAt) <= this.layer.clock.now())
          (await this.approvals.expire(listed)) ? report.expired.push(listed.id) : report.ownedElsewhere.push(listed.id);
        continue;
      }
      if (!(await this.runs.claim(listed.id))) {
        report.ownedElsewhere.push(listed.id);
        continue;
      }
      // Read again under the lease: the previous owner may have moved it on since the listing.
      const job = await store.getJob(listed.id);
      if (job && !isFinal(job.status)) await this.follow(job, report);
      else if (job && !job.finalCardSent) {
        report.finalCardsDelivered.push(job.id);
        await this.auditWhatWasMissed(job);
        this.runs.deliverFinal(job.id);
      } else await this.runs.unclaim(listed.id);
    }
    return report;
  }

  /**
   * A change is stored before it is audited, so an instance killed in between leaves a started
   * or finished run without its record. Whoever takes the run over writes what is missing,
   * marked as recovered (the time is the recovery's, not the original's).
   */
  private async auditWhatWasMissed(job: Job): Promise<void> {
    const { deps, audit } = this.layer;
    const recorded = new Set((await deps.store.readAudit({ jobId: job.id, limit: 1000 })).map((r) => r.action));
    const recoveredBy = deps.instanceId;
    if (job.executorJobId && !recorded.has('job.started'))
      await audit.record('job.started', { job, detail: { executor: job.executor, executorJobId: job.executorJobId, recoveredBy } });
    if (isFinal(job.status) && !recorded.has('job.finished')) await audit.record('job.finished', { job, detail: { ...finishedDetail(job), recoveredBy } });
  }

  private async follow(job: Job, report: ResumeReport): Promise<void> {
    const { deps, clock, log, audit, settings } = this.layer;
    const tracker = this.runs.track(job);
    await tracker.loadTail();
    const executor = deps.executors.executorByName(job.executor);
    if (!job.executorJobId || !executor) {
      report.lost.push(job.id);
      const error = job.executorJobId
        ? `This run was started by the executor "${job.executor}", which is not configured on this instance, so it cannot be followed.`
        : LOST_BEFORE_START;
      this.runs.inBackground(tracker.finish({ status: 'lost', error, at: isoNow(clock) }));
      return;
    }
    try {
      await executor.reattach(job.id, job.executorJobId, tracker.listener);
      this.reattachFailures.delete(job.id);
      report.reattached.push(job.id);
      await this.auditWhatWasMissed(job);
      await audit.record('job.reattached', { job, detail: { instance: deps.instanceId } });
    } catch (error) {
      const failures = (this.reattachFailures.get(job.id) ?? 0) + 1;
      this.reattachFailures.set(job.id, failures);
      log.warn({ job: job.id, failures, err: describeError(error) }, 'reattach failed');
      if (failures >= settings.reattachAttempts) {
        this.reattachFailures.delete(job.id);
        const message = `The executor could not report on this run: ${describeError(error)}`;
        this.runs.inBackground(tracker.finish({ status: 'failed', error: message, at: isoNow(clock) }));
        return;
      }
      // Let go, so this or another instance tries again on the next round.
      this.runs.abandon(tracker);
      await this.runs.unclaim(job.id);
    }
  }
}
