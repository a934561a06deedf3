/**
 * Four-eyes approvals. A run the policy sends for approval is stored as `pending_approval` with
 * its rule (`job.approval`); its full values stay in memory here. Approvers are checked by the
 * policy, the requester never counts, each approver counts once, one rejection ends it, and a
 * request nobody decided in time is rejected as expired. The last approval starts the run.
 */
import type { ConversationInfo } from '../domain/conversation.js';
import { SECRET_MASK, samePerson, type ApprovalRecord, type ApprovalRule, type Job, type JobStatus, type Principal } from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import type { Executor } from '../execution/executor.js';
import type { ApprovalRequirement } from '../policy/policy.js';
import { validateValues } from '../validation/validate.js';
import { describeError, isoNow, type JobLayer } from './job-layer.js';
import type { JobRuns } from './job-runs.js';
import type { JobTracker, Outcome } from './job-tracker.js';
import { placeOf } from './place.js';
import type { DecisionResult } from './results.js';

const SECRETS_GONE =
  'Switchboard restarted while this run waited for approval. Values of secret parameters are never stored, so it cannot start: please run it again.';
const BUSY = 'This request is being updated right now; try again in a moment.';

export class Approvals {
  /** Full values of runs waiting for approval, in memory only. */
  private readonly waiting = new Map<string, { values: Record<string, ParameterValue>; expiresAt: number }>();

  constructor(
    private readonly layer: JobLayer,
    private readonly runs: JobRuns,
    /** The card a decision is answered with. */
    private readonly cardOf: (job: Job) => AdaptiveCard,
  ) {}

  /** Stores a run that waits for approval; its card is posted unless the form card becomes it. */
  async request(
    draft: Omit<Job, 'version'>,
    values: Record<string, ParameterValue>,
    rule: string,
    requirement: ApprovalRequirement,
    cardActivityId: string | undefined,
  ): Promise<Job> {
    const { deps, clock, audit, delivery } = this.layer;
    const expiresAt = clock.now() + requirement.expiresInSeconds * 1000;
    const approval: ApprovalRule = {
      rule,
      count: Math.max(1, requirement.count),
      groups: requirement.groups,
      expiresAt: new Date(expiresAt).toISOString(),
    };
    const job = await deps.store.createJob({ ...draft, status: 'pending_approval', approval });
    this.waiting.set(job.id, { values, expiresAt });
    if (!cardActivityId) this.runs.inBackground(delivery.post(job));
    await audit.record('job.created', {
      actor: job.requester,
      job,
      detail: { status: job.status, target: job.target, executor: job.executor, parameters: job.parameters },
    });
    await audit.record('approval.requested', { actor: job.requester, job, detail: { ...approval } });
    return job;
  }

  /** The requirement as the policy sees it now (time left until expiry). */
  requirement(rule: ApprovalRule): ApprovalRequirement {
    const expiresInSeconds = Math.max(0, Math.round((Date.parse(rule.expiresAt) - this.layer.clock.now()) / 1000));
    return { count: rule.count, groups: rule.groups, expiresInSeconds };
  }

  /** Whether this user may decide on this waiting run now (not the requester, not decided yet, an approver). */
  async canDecide(user: Principal, conversation: ConversationInfo, job: Job): Promise<boolean> {
    const rule = job.approval;
    if (job.status !== 'pending_approval' || !rule || samePerson(job.requester, user) || job.approvals?.some((a) => samePerson(a.by, user)))
      return false;
    const requirement = this.requirement(rule);
    return requirement.expiresInSeconds > 0 && this.isApprover(user, conversation, job, requirement);
  }

  private async isApprover(user: Principal, conversation: ConversationInfo, job: Job, requirement: ApprovalRequirement): Promise<boolean> {
    const { deps } = this.layer;
    const place = placeOf((await deps.store.getConversation(job.conversationKey)) ?? conversation);
    return deps.policy.canApprove(user, requirement, { requester: job.requester, runbook: deps.catalog.get(job.runbook), place });
  }

  withdrawn(jobId: string): void {
    this.waiting.delete(jobId);
  }

  async decide(
    user: Principal,
    conversation: ConversationInfo,
    jobId: string,
    decision: ApprovalRecord['decision'],
    comment?: string,
  ): Promise<DecisionResult> {
    const { deps, clock, audit } = this.layer;
    const job = await deps.store.getJob(jobId);
    if (!job) return { kind: 'not_found', jobId };
    const rule = job.approval;
    if (job.status !== 'pending_approval' || !rule)
      return { kind: 'not_pending', job, reason: `Job ${job.id} is ${job.status.replace('_', ' ')}; only runs waiting for approval can be approved or rejected.` };
    if (Date.parse(rule.expiresAt) <= clock.now()) {
      const expired = await this.expire(job);
      return expired ? { kind: 'expired', job: expired, card: this.cardOf(expired) } : { kind: 'busy', job, reason: BUSY };
    }
    const refuse = async (reason: string, message: string): Promise<DecisionResult> => {
      await audit.record('approval.refused', { actor: user, job, detail: { reason, decision } });
      return { kind: 'forbidden', job, reason: message };
    };
    if (samePerson(job.requester, user)) return refuse('self_approval', 'You asked for this run, so someone else has to approve or reject it.');
    if (job.approvals?.some((a) => samePerson(a.by, user)))
      return { kind: 'already_decided', job, reason: 'You already decided on this run; it needs another approver.' };
    if (!(await this.isApprover(user, conversation, job, this.requirement(rule)))) {
      const who = rule.groups.length ? `members of ${rule.groups.join(', ')}` : `people allowed to run ${job.runbook} there`;
      return refuse('not_approver', `Only ${who} can approve or reject this run.`);
    }
    // Holding the lease while deciding keeps the resume sweep from taking a run that is about to start.
    if (!(await this.runs.claim(job.id))) return { kind: 'busy', job, reason: BUSY };
    return this.record(user, job, rule, { by: user, decision, at: isoNow(clock), ...(comment ? { comment } : {}) });
  }

  private async record(user: Principal, job: Job, rule: ApprovalRule, record: ApprovalRecord): Promise<DecisionResult> {
    const { deps, writer, audit, clock, settings } = this.layer;
    let became: JobStatus | undefined;
    let updated: Job;
    try {
      updated = await writer.change(job, (j) => {
        became = undefined;
        if (j.status !== 'pending_approval' || j.approvals?.some((a) => samePerson(a.by, user))) return undefined;
        const approvals = [...(j.approvals ?? []), record];
        if (record.decision === 'rejected') {
          became = 'rejected';
          const why = record.comment ? `: ${record.comment}` : '';
          return { ...j, approvals, status: 'rejected', endedAt: record.at, error: `Rejected by ${user.name}${why}.` };
        }
        became = approvals.filter((a) => a.decision === 'approved').length >= rule.count ? 'queued' : 'pending_approval';
        return { ...j, approvals, status: became };
      });
    } catch (error) {
      await this.runs.unclaim(job.id);
      throw error;
    }
    if (became === undefined) {
      await this.runs.unclaim(job.id);
      return updated.status === 'pending_approval'
        ? { kind: 'already_decided', job: updated, reason: 'You already decided on this run; it needs another approver.' }
        : { kind: 'not_pending', job: updated, reason: `Job ${updated.id} is ${updated.status.replace('_', ' ')} already.` };
    }
    const approvedCount = (updated.approvals ?? []).filter((a) => a.decision === 'approved').length;
    await audit.record(`approval.${record.decision}`, {
      actor: user,
      job: updated,
      detail: { approvals: approvedCount, needed: rule.count, comment: record.comment },
    });

    if (became === 'rejected') {
      this.waiting.delete(job.id);
      deps.telemetry.event('run.finished', { runbook: updated.runbook, target: updated.target, outcome: 'rejected' }, { durationMs: 0 });
      this.runs.deliverFinal(updated.id);
      return { kind: 'rejected', job: updated, card: this.cardOf(updated) };
    }
    if (became === 'pending_approval') {
      await this.runs.unclaim(job.id);
      this.layer.delivery.refresh(updated, []);
      return { kind: 'approved', job: updated, card: this.cardOf(updated), remaining: rule.count - approvedCount };
    }
    deps.telemetry.event('run.approved', { runbook: updated.runbook, target: updated.target });
    const tracker = this.runs.track(updated);
    // The approver's click is answered with this card; later updates must not overtake it.
    tracker.holdCardUntil(clock.now() + settings.cardRefreshMs);
    this.start(tracker, deps.catalog.get(updated.runbook));
    return { kind: 'approved', job: updated, card: this.cardOf(updated), remaining: 0 };
  }

  /**
   * Starts an approved run with the values kept in memory, or the stored ones when it had no
   * secrets. Never waits for the executor or a card: it runs on an approver's click.
   */
  private start(tracker: JobTracker, runbook: RunbookDefinition | undefined): void {
    const { deps, clock } = this.layer;
    const job = tracker.job;
    const kept = this.waiting.get(job.id)?.values;
    this.waiting.delete(job.id);
    const end = (outcome: Omit<Outcome, 'at'>) => this.runs.inBackground(tracker.finish({ ...outcome, at: isoNow(clock) }));
    if (!runbook) return end({ status: 'failed', error: `${job.runbook} is no longer in the catalog, so the approved run could not start.` });
    const stored = Object.values(job.parameters).includes(SECRET_MASK) ? undefined : job.parameters;
    const values = kept ?? stored;
    if (!values) return end({ status: 'lost', error: SECRETS_GONE });
    // The script may have changed while the request waited: check the values against it again.
    const validation = validateValues(runbook, values);
    if (!validation.ok) {
      const issues = validation.issues.map((i) => i.message).join(' ');
      return end({ status: 'failed', error: `${runbook.name} changed while this run waited for approval: ${issues}` });
    }
    let executor: Executor;
    try {
      executor = deps.executors.executorByName(job.executor) ?? deps.executors.executorFor(runbook, job.target);
    } catch (error) {
      return end({ status: 'failed', error: describeError(error) });
    }
    this.runs.launch(tracker, executor, { jobId: job.id, runbook, values: validation.values, target: job.target, timeoutSeconds: runbook.timeoutSeconds });
  }

  /** Rejects a request nobody approved in time. Returns undefined when another instance holds it. */
  async expire(job: Job): Promise<Job | undefined> {
    const { deps, writer, audit, clock } = this.layer;
    if (!(await this.runs.claim(job.id))) return undefined;
    let expired = false;
    const updated = await writer
      .change(job, (j) => {
        expired = j.status === 'pending_approval';
        if (!expired) return undefined;
        return {
          ...j,
          status: 'rejected',
          endedAt: isoNow(clock),
          error: `Nobody approved this run before ${j.approval?.expiresAt ?? 'the deadline'}, so the request expired. Run it again if it is still needed.`,
        };
      })
      .catch(async (error: unknown) => {
        await this.runs.unclaim(job.id);
        throw error;
      });
    if (expired) {
      this.waiting.delete(job.id);
      await audit.record('approval.expired', { job: updated, detail: { expiresAt: job.approval?.expiresAt } });
      deps.telemetry.event('run.finished', { runbook: updated.runbook, target: updated.target, outcome: 'expired' }, { durationMs: 0 });
    }
    this.runs.deliverFinal(updated.id);
    return updated;
  }

  /** Drops kept values of requests that expired (their run can no longer start). */
  forgetExpired(): void {
    const now = this.layer.clock.now();
    for (const [id, kept] of this.waiting) if (kept.expiresAt <= now) this.waiting.delete(id);
  }

  clear(): void {
    this.waiting.clear();
  }
}
