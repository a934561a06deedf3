/**
 * The job layer's front door: request → (approval) → start → track → notify, adapter-independent.
 * The bot calls it with the user and conversation taken from the activity, never from card data.
 *
 * Invariants:
 * - A state change is stored before it is acted on (updateJob with its version; conflicts are
 *   re-applied to the fresh job by JobWriter).
 * - Request paths never wait for an executor: starts run in the background, so an invoke is
 *   answered in milliseconds even when a start takes many seconds.
 * - Secret values live only in memory until the executor has them; jobs, audit, logs and
 *   telemetry see masked values. A run whose secrets were lost to a restart is reported 'lost'.
 * - One instance tracks a job at a time, holding the lease `job:<id>`; leases are renewed while
 *   tracking and released at the end. resumeAll() takes over jobs whose lease is free.
 */
import type { Catalog } from '../catalog/catalog.js';
import type { ConversationInfo } from '../domain/conversation.js';
import {
  isFinal,
  SECRET_MASK,
  type ApprovalRecord,
  type ApprovalRule,
  type Job,
  type JobStatus,
  type Principal,
} from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { ParameterValue, RunbookDefinition } from '../domain/runbook.js';
import { ExecutionError, type ExecutionSpec, type Executor } from '../execution/executor.js';
import type { Logger } from '../logging/logger.js';
import type { ApprovalRequirement, Policy } from '../policy/policy.js';
import { ConflictError, type HistoryEntry, type Store } from '../store/store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { maskSecrets } from '../validation/mask.js';
import { validateValues } from '../validation/validate.js';
import { AuditTrail } from './audit-trail.js';
import { CardDelivery } from './card-delivery.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import type { ExecutorDirectory } from './executor-directory.js';
import { newFormId, newJobId } from './ids.js';
import { sharedViewer, type CardViewer, type JobCardRenderers } from './job-cards.js';
import { JobTracker, type Outcome } from './job-tracker.js';
import { JobWriter } from './job-writer.js';
import type { QueuedMessenger } from './outbox.js';
import { placeOf, samePerson } from './place.js';
import type { RequestLimiter } from './request-limiter.js';
import { canView, checkFormSubmit, prefillFrom, type FormInputs } from './requests.js';
import type { CancelResult, DecisionResult, IssueFormResult, OutputPage, ResumeReport, SubmitResult } from './results.js';

export interface JobServiceSettings {
  /** How long a handed-out form can be submitted. */
  formTtlMs: number;
  leaseTtlMs: number;
  leaseRenewMs: number;
  /** How often jobs with a free lease, expired approvals and undelivered final cards are picked up. */
  resumeEveryMs: number;
  /** Least time between two intermediate updates of one job card. */
  cardRefreshMs: number;
  outputTailLines: number;
  outputPageSize: number;
  /** Failed reattach attempts before a job is given up as failed. */
  reattachAttempts: number;
  /** Longest wait for in-flight work at shutdown. */
  shutdownGraceMs: number;
}

export const DEFAULT_JOB_SETTINGS: JobServiceSettings = {
  formTtlMs: 30 * 60_000,
  leaseTtlMs: 60_000,
  leaseRenewMs: 20_000,
  resumeEveryMs: 30_000,
  cardRefreshMs: 1_500,
  outputTailLines: 15,
  outputPageSize: 100,
  reattachAttempts: 5,
  shutdownGraceMs: 10_000,
};

export interface JobServiceDeps {
  store: Store;
  catalog: Catalog;
  executors: ExecutorDirectory;
  policy: Policy;
  /** The outbox (paced, retried delivery). */
  messenger: QueuedMessenger;
  render: JobCardRenderers;
  telemetry: Telemetry;
  logger: Logger;
  /** Owner name in leases; unique per running process. */
  instanceId: string;
  clock?: Clock;
  /** Per-user / per-conversation request limits (optional). */
  requestLimiter?: RequestLimiter;
  settings?: Partial<JobServiceSettings>;
}

export interface FormSubmitOptions {
  /** The activity of the card that was submitted: it becomes the job card (answered by the invoke). */
  cardActivityId?: string;
  /** A runbook name the card data carried, checked against the form's. */
  claimedRunbook?: string;
}

export interface TextSubmitOptions {
  /** The message's activity id: a redelivered message is answered with the job it already started. */
  requestId?: string;
}

export type JobFilter = Parameters<Store['listJobs']>[0];

const LOST_BEFORE_START =
  'Switchboard stopped before the executor confirmed that this run started, so it cannot be followed. ' +
  'It may or may not have run: check before running it again. Values of secret parameters are never stored, so it could not be resumed.';
const SECRETS_GONE =
  'Switchboard restarted while this run waited for approval. Values of secret parameters are never stored, so it cannot start: please run it again.';

const leaseKey = (jobId: string) => `job:${jobId}`;

function describeError(error: unknown): string {
  if (error instanceof ExecutionError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}

export class JobService {
  private readonly settings: JobServiceSettings;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly writer: JobWriter;
  private readonly audit: AuditTrail;
  private readonly delivery: CardDelivery;
  private readonly trackers = new Map<string, JobTracker>();
  /** Jobs this instance holds the lease of (tracking, starting, or delivering a final card). */
  private readonly claimed = new Set<string>();
  /** Full values of runs waiting for approval, in memory only. */
  private readonly waiting = new Map<string, { values: Record<string, ParameterValue>; expiresAt: number }>();
  private readonly reattachFailures = new Map<string, number>();
  private readonly background = new Set<Promise<unknown>>();
  private readonly timers = new Set<TimerHandle>();
  private accepting = true;
  private resuming?: Promise<ResumeReport>;
  private stopping?: Promise<void>;

  constructor(private readonly deps: JobServiceDeps) {
    this.settings = { ...DEFAULT_JOB_SETTINGS, ...deps.settings };
    this.clock = deps.clock ?? systemClock;
    this.log = deps.logger.child({ component: 'jobs' });
    this.writer = new JobWriter(deps.store);
    this.audit = new AuditTrail(deps.store, this.clock, this.log);
    this.delivery = new CardDelivery({
      store: deps.store,
      catalog: deps.catalog,
      messenger: deps.messenger,
      render: deps.render,
      writer: this.writer,
      clock: this.clock,
      logger: this.log,
    });
  }

  // ---- Forms and requests -------------------------------------------------------------------

  /** Hands out a form for a runbook; "run again" pre-fills the non-secret values of a visible job. */
  async issueForm(
    user: Principal,
    conversation: ConversationInfo,
    runbookName: string,
    options: { fromJobId?: string } = {},
  ): Promise<IssueFormResult> {
    const { catalog, policy, store } = this.deps;
    const runbook = catalog.get(runbookName);
    if (!runbook) return { kind: 'unknown_runbook', name: runbookName, suggestions: catalog.suggest(runbookName, 3) };
    if (!(await policy.canSee(user, runbook, placeOf(conversation))))
      return { kind: 'not_allowed', runbook: runbook.name, reason: `You may not run ${runbook.name} here.` };
    const earlier = options.fromJobId ? await store.getJob(options.fromJobId) : undefined;
    const prefill = earlier && canView(earlier, user, conversation) ? prefillFrom(earlier, runbook) : {};
    const now = this.clock.now();
    const form = {
      id: newFormId(),
      runbook: runbook.name,
      userId: user.id,
      conversationKey: conversation.key,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.settings.formTtlMs).toISOString(),
    };
    await store.createForm(form);
    return { kind: 'form', form, runbook, prefill };
  }

  /**
   * A submitted form card. `inputs` are the parameter values by name, or a reader that takes them
   * from the card data for the form's runbook (see FormInputs). What runs comes from the form.
   */
  async submitForm(
    user: Principal,
    conversation: ConversationInfo,
    formId: string,
    inputs: FormInputs,
    options: FormSubmitOptions = {},
  ): Promise<SubmitResult> {
    if (!this.accepting) return this.unavailable();
    const check = await checkFormSubmit(
      { store: this.deps.store, catalog: this.deps.catalog, audit: this.audit, clock: this.clock },
      user,
      conversation,
      { formId, inputs, claimedRunbook: options.claimedRunbook },
    );
    if (!check.ok) return 'usedBy' in check ? this.duplicate(check.usedBy) : check.refusal;
    return this.request(user, conversation, check.runbook, check.values, { source: 'form', formId, cardActivityId: options.cardActivityId });
  }

  /** A typed `run <runbook> ...`; values by parameter name as the command parser bound them. */
  async submitText(
    user: Principal,
    conversation: ConversationInfo,
    runbookName: string,
    rawValues: Record<string, unknown>,
    options: TextSubmitOptions = {},
  ): Promise<SubmitResult> {
    if (!this.accepting) return this.unavailable();
    const runbook = this.deps.catalog.get(runbookName);
    if (!runbook) {
      await this.audit.record('request.refused', { actor: user, conversationKey: conversation.key, detail: { reason: 'unknown_runbook', name: runbookName.slice(0, 200) } });
      return { kind: 'unknown_runbook', name: runbookName, suggestions: this.deps.catalog.suggest(runbookName, 3) };
    }
    let formId: string | undefined;
    if (options.requestId) {
      formId = `text:${options.requestId}`;
      const now = this.clock.now();
      try {
        await this.deps.store.createForm({
          id: formId,
          runbook: runbook.name,
          userId: user.id,
          conversationKey: conversation.key,
          issuedAt: new Date(now).toISOString(),
          expiresAt: new Date(now + this.settings.formTtlMs).toISOString(),
        });
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const used = (await this.deps.store.getForm(formId))?.jobId;
        if (used) return this.duplicate(used);
      }
    }
    return this.request(user, conversation, runbook, rawValues, { source: 'text', formId });
  }

  private async request(
    user: Principal,
    conversation: ConversationInfo,
    runbook: RunbookDefinition,
    raw: Record<string, unknown>,
    via: { source: 'form' | 'text'; formId?: string; cardActivityId?: string },
  ): Promise<SubmitResult> {
    const { policy, telemetry, executors, store } = this.deps;
    const facts = { actor: user, runbook: runbook.name, conversationKey: conversation.key };
    const requested = (outcome: string) => telemetry.event('run.requested', { runbook: runbook.name, target: runbook.target, outcome });
    this.delivery.remember(conversation);
    await this.audit.record('run.requested', { ...facts, detail: { via: via.source, formId: via.formId } });

    const validation = validateValues(runbook, raw);
    if (!validation.ok) {
      await this.audit.record('request.invalid', { ...facts, detail: { parameters: validation.issues.map((i) => i.parameter) } });
      requested('invalid');
      const message = validation.issues.map((i) => i.message).join('\n');
      return { kind: 'invalid', runbook, issues: validation.issues, formId: via.source === 'form' ? via.formId : undefined, message };
    }
    const values = validation.values;

    const decision = await policy.decide(user, runbook, placeOf(conversation), values);
    await this.audit.record('policy.decision', {
      ...facts,
      detail: {
        effect: decision.effect,
        rule: decision.rule,
        ...(decision.effect === 'deny' ? { reason: decision.reason } : {}),
        ...(decision.effect === 'approval' ? { approval: decision.approval } : {}),
      },
    });
    if (decision.effect === 'deny') {
      requested('denied');
      return { kind: 'denied', runbook: runbook.name, reason: decision.reason, rule: decision.rule };
    }

    const verdict = this.deps.requestLimiter?.take(user, conversation, this.clock.now());
    if (verdict && !verdict.ok) {
      await this.audit.record('request.rate_limited', { ...facts, detail: { scope: verdict.scope } });
      requested('rate_limited');
      const who = verdict.scope === 'user' ? 'You have' : 'This conversation has';
      return {
        kind: 'rate_limited',
        retryAfterSeconds: verdict.retryAfterSeconds,
        message: `${who} asked for many runs in a short time. Try again in ${verdict.retryAfterSeconds} s.`,
      };
    }

    let executor: Executor;
    try {
      executor = executors.executorFor(runbook, runbook.target);
    } catch (error) {
      await this.audit.record('request.refused', { ...facts, detail: { reason: 'no_executor', error: describeError(error) } });
      return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error), hint: error instanceof ExecutionError ? error.hint : undefined };
    }

    const id = await this.freshJobId();
    if (via.formId) {
      const used = await store.useForm(via.formId, id);
      if (used) {
        await this.audit.record('request.refused', { ...facts, detail: { reason: 'replay', formId: via.formId, jobId: used } });
        return this.duplicate(used);
      }
    }
    const now = this.clock.now();
    const draft: Omit<Job, 'version'> = {
      id,
      runbook: runbook.name,
      parameters: maskSecrets(runbook, values),
      requester: user,
      conversationKey: conversation.key,
      cardActivityId: via.cardActivityId,
      target: runbook.target,
      executor: executor.name,
      status: 'queued',
      createdAt: new Date(now).toISOString(),
    };
    if (decision.effect === 'approval') {
      const job = await this.createWaiting(draft, values, decision.rule, decision.approval, via.cardActivityId);
      requested('pending_approval');
      return { kind: 'pending_approval', job, card: this.delivery.card(job, []), approval: decision.approval };
    }

    this.claimed.add(id);
    let job: Job;
    try {
      await store.acquireLease(leaseKey(id), this.deps.instanceId, this.settings.leaseTtlMs, new Date(now));
      job = await store.createJob(draft);
    } catch (error) {
      await this.unclaim(id);
      throw error;
    }
    const tracker = this.track(job);
    if (via.cardActivityId) tracker.holdCardUntil(now + this.settings.cardRefreshMs);
    else tracker.postCard();
    await this.audit.record('job.created', {
      actor: user,
      job,
      detail: { status: job.status, target: job.target, executor: job.executor, parameters: job.parameters },
    });
    requested('queued');
    this.launch(tracker, executor, { jobId: id, runbook, values, target: job.target, timeoutSeconds: runbook.timeoutSeconds });
    return { kind: 'started', job, card: this.delivery.card(job, []) };
  }

  private async createWaiting(
    draft: Omit<Job, 'version'>,
    values: Record<string, ParameterValue>,
    rule: string,
    requirement: ApprovalRequirement,
    cardActivityId: string | undefined,
  ): Promise<Job> {
    const expiresAt = this.clock.now() + requirement.expiresInSeconds * 1000;
    const approval: ApprovalRule = {
      rule,
      count: Math.max(1, requirement.count),
      groups: requirement.groups,
      expiresAt: new Date(expiresAt).toISOString(),
    };
    const job = await this.deps.store.createJob({ ...draft, status: 'pending_approval', approval });
    this.waiting.set(job.id, { values, expiresAt });
    if (!cardActivityId) this.inBackground(this.delivery.post(job));
    await this.audit.record('job.created', {
      actor: job.requester,
      job,
      detail: { status: job.status, target: job.target, executor: job.executor, parameters: job.parameters },
    });
    await this.audit.record('approval.requested', { actor: job.requester, job, detail: { ...approval } });
    return job;
  }

  private async duplicate(jobId: string): Promise<SubmitResult> {
    // A double click can arrive while the first submit is still creating the job it claimed the form for.
    let job = await this.deps.store.getJob(jobId);
    for (let attempt = 0; !job && attempt < 20; attempt++) {
      await new Promise<void>((resolve) => this.clock.setTimeout(resolve, 25));
      job = await this.deps.store.getJob(jobId);
    }
    if (!job) return { kind: 'forbidden_form', reason: 'This form was already used; open the runbook again to run it once more.' };
    return { kind: 'duplicate', job, card: this.cardOf(job) };
  }

  private unavailable(): SubmitResult {
    return { kind: 'unavailable', reason: 'Switchboard is restarting and does not take new runs right now.', hint: 'Try again in a minute.' };
  }

  private async freshJobId(): Promise<string> {
    for (;;) {
      const id = newJobId();
      if (!this.claimed.has(id) && !(await this.deps.store.getJob(id))) return id;
    }
  }

  // ---- Starting and tracking ----------------------------------------------------------------

  private track(job: Job): JobTracker {
    this.claimed.add(job.id);
    const tracker = new JobTracker(job, {
      store: this.deps.store,
      writer: this.writer,
      delivery: this.delivery,
      audit: this.audit,
      telemetry: this.deps.telemetry,
      clock: this.clock,
      logger: this.log,
      refreshMs: this.settings.cardRefreshMs,
      tailLines: this.settings.outputTailLines,
      onDone: (done) => {
        if (this.trackers.get(done.id) === done) this.trackers.delete(done.id);
        this.reattachFailures.delete(done.id);
        void this.unclaim(done.id);
      },
    });
    this.trackers.set(job.id, tracker);
    return tracker;
  }

  /** Starts the run off the request path: the caller has its answer before the executor is asked. */
  private launch(tracker: JobTracker, executor: Executor, spec: ExecutionSpec): void {
    this.inBackground(new Promise<void>((resolve) => setImmediate(resolve)).then(() => this.startRun(tracker, executor, spec)));
  }

  private async startRun(tracker: JobTracker, executor: Executor, spec: ExecutionSpec): Promise<void> {
    let executorJobId: string;
    try {
      executorJobId = await executor.start(spec, tracker.listener);
    } catch (error) {
      const message = describeError(error);
      this.log.warn({ job: spec.jobId, err: message }, 'executor did not start the run');
      await this.audit.record('job.start_failed', { job: tracker.job, detail: { executor: executor.name, error: message } });
      await tracker.finish({ status: 'failed', error: message, at: this.isoNow() });
      return;
    }
    const job = await tracker.change((j) =>
      j.executorJobId === executorJobId ? undefined : { ...j, executorJobId, startedAt: j.startedAt ?? this.isoNow() },
    );
    await this.audit.record('job.started', { job, detail: { executor: executor.name, executorJobId } });
    this.deps.telemetry.event('run.started', { runbook: job.runbook, target: job.target });
    if (job.status === 'cancelling') await this.requestCancel(executor, job);
  }

  private async requestCancel(executor: Executor | undefined, job: Job): Promise<void> {
    if (!executor || !job.executorJobId) return;
    try {
      await executor.cancel(job.executorJobId);
    } catch (error) {
      const message = describeError(error);
      this.log.warn({ job: job.id, err: message }, 'cancel request failed');
      await this.audit.record('job.cancel_failed', { job, detail: { error: message } });
      const reverted = await this.writer.change(job, (j) =>
        j.status === 'cancelling' ? { ...j, status: j.startedAt ? 'running' : 'queued', executorStatus: `Cancel failed: ${message}` } : undefined,
      );
      this.trackers.get(job.id)?.observe(reverted);
    }
  }

  // ---- Cancel, approvals ----------------------------------------------------------------------

  /** Cancel a run: its requester, or someone the policy allows to run it in this conversation. */
  async cancel(user: Principal, conversation: ConversationInfo, jobId: string): Promise<CancelResult> {
    const job = await this.deps.store.getJob(jobId);
    if (!job) return { kind: 'not_found', jobId };
    if (isFinal(job.status)) return { kind: 'already_final', job, card: this.cardOf(job) };
    if (!(await this.mayCancel(user, conversation, job))) {
      await this.audit.record('job.cancel_refused', { actor: user, job, detail: { conversation: conversation.key } });
      return { kind: 'forbidden', job, reason: `Only ${job.requester.name} or someone allowed to run ${job.runbook} here can cancel job ${job.id}.` };
    }
    if (job.status === 'pending_approval') return this.withdraw(user, conversation, job);

    const updated = await this.writer.change(job, (j) => (isFinal(j.status) || j.status === 'cancelling' ? undefined : { ...j, status: 'cancelling' }));
    if (isFinal(updated.status)) return { kind: 'already_final', job: updated, card: this.cardOf(updated) };
    await this.audit.record('job.cancel_requested', { actor: user, job: updated, detail: { previous: job.status } });
    const tracker = this.trackers.get(jobId);
    if (tracker) tracker.observe(updated);
    else this.delivery.refresh(updated, []);
    // Without an executor job id the start is still in flight; it cancels once the id is known.
    if (updated.executorJobId) this.inBackground(this.requestCancel(this.deps.executors.executorByName(updated.executor), updated));
    return { kind: 'cancelling', job: updated, card: this.cardOf(updated) };
  }

  private async withdraw(user: Principal, conversation: ConversationInfo, job: Job): Promise<CancelResult> {
    const at = this.isoNow();
    const updated = await this.writer.change(job, (j) =>
      j.status === 'pending_approval' ? { ...j, status: 'cancelled', endedAt: at, error: `Cancelled by ${user.name} before it was approved.` } : undefined,
    );
    if (updated.status !== 'cancelled') return this.cancel(user, conversation, job.id);
    this.waiting.delete(job.id);
    await this.audit.record('job.cancelled', { actor: user, job: updated, detail: { before: 'approval' } });
    this.deps.telemetry.event('run.finished', { runbook: updated.runbook, target: updated.target, outcome: 'cancelled' }, { durationMs: 0 });
    this.inBackground(this.delivery.final(updated.id));
    return { kind: 'cancelled', job: updated, card: this.cardOf(updated) };
  }

  private async mayCancel(user: Principal, conversation: ConversationInfo, job: Job): Promise<boolean> {
    if (samePerson(job.requester, user)) return true;
    const runbook = this.deps.catalog.get(job.runbook);
    if (!runbook) return false;
    const decision = await this.deps.policy.decide(user, runbook, placeOf(conversation), job.parameters);
    return decision.effect === 'allow';
  }

  approve(user: Principal, conversation: ConversationInfo, jobId: string, comment?: string): Promise<DecisionResult> {
    return this.decide(user, conversation, jobId, 'approved', comment);
  }

  reject(user: Principal, conversation: ConversationInfo, jobId: string, comment?: string): Promise<DecisionResult> {
    return this.decide(user, conversation, jobId, 'rejected', comment);
  }

  private async decide(
    user: Principal,
    conversation: ConversationInfo,
    jobId: string,
    decision: ApprovalRecord['decision'],
    comment?: string,
  ): Promise<DecisionResult> {
    const { store, catalog } = this.deps;
    const job = await store.getJob(jobId);
    if (!job) return { kind: 'not_found', jobId };
    const rule = job.approval;
    if (job.status !== 'pending_approval' || !rule)
      return { kind: 'not_pending', job, reason: `Job ${job.id} is ${job.status.replace('_', ' ')}; only runs waiting for approval can be approved or rejected.` };
    if (Date.parse(rule.expiresAt) <= this.clock.now()) {
      const expired = await this.expire(job);
      return expired
        ? { kind: 'expired', job: expired, card: this.cardOf(expired) }
        : { kind: 'busy', job, reason: 'This request is being updated right now; try again in a moment.' };
    }
    const refuse = async (reason: string, message: string): Promise<DecisionResult> => {
      await this.audit.record('approval.refused', { actor: user, job, detail: { reason, decision } });
      return { kind: 'forbidden', job, reason: message };
    };
    if (samePerson(job.requester, user)) return refuse('self_approval', 'You asked for this run, so someone else has to approve or reject it.');
    if (job.approvals?.some((a) => samePerson(a.by, user)))
      return { kind: 'already_decided', job, reason: 'You already decided on this run; it needs another approver.' };
    const runbook = catalog.get(job.runbook);
    const place = placeOf((await store.getConversation(job.conversationKey)) ?? conversation);
    const requirement: ApprovalRequirement = {
      count: rule.count,
      groups: rule.groups,
      expiresInSeconds: Math.max(0, Math.round((Date.parse(rule.expiresAt) - this.clock.now()) / 1000)),
    };
    if (!(await this.deps.policy.canApprove(user, requirement, { requester: job.requester, runbook, place }))) {
      const who = rule.groups.length ? `members of ${rule.groups.join(', ')}` : `people allowed to run ${job.runbook} there`;
      return refuse('not_approver', `Only ${who} can approve or reject this run.`);
    }

    const now = this.clock.now();
    if (!(await store.acquireLease(leaseKey(job.id), this.deps.instanceId, this.settings.leaseTtlMs, new Date(now))))
      return { kind: 'busy', job, reason: 'This request is being updated right now; try again in a moment.' };
    this.claimed.add(job.id);
    const record: ApprovalRecord = { by: user, decision, at: new Date(now).toISOString(), ...(comment ? { comment } : {}) };
    let became: JobStatus | undefined;
    let updated: Job;
    try {
      updated = await this.writer.change(job, (j) => {
        became = undefined;
        if (j.status !== 'pending_approval' || j.approvals?.some((a) => samePerson(a.by, user))) return undefined;
        const approvals = [...(j.approvals ?? []), record];
        if (decision === 'rejected') {
          became = 'rejected';
          const why = comment ? `: ${comment}` : '';
          return { ...j, approvals, status: 'rejected', endedAt: record.at, error: `Rejected by ${user.name}${why}.` };
        }
        became = approvals.filter((a) => a.decision === 'approved').length >= rule.count ? 'queued' : 'pending_approval';
        return { ...j, approvals, status: became };
      });
    } catch (error) {
      await this.unclaim(job.id);
      throw error;
    }
    if (became === undefined) {
      await this.unclaim(job.id);
      return updated.status === 'pending_approval'
        ? { kind: 'already_decided', job: updated, reason: 'You already decided on this run; it needs another approver.' }
        : { kind: 'not_pending', job: updated, reason: `Job ${updated.id} is ${updated.status.replace('_', ' ')} already.` };
    }
    const approvedCount = (updated.approvals ?? []).filter((a) => a.decision === 'approved').length;
    await this.audit.record(`approval.${decision}`, { actor: user, job: updated, detail: { approvals: approvedCount, needed: rule.count, comment } });

    if (became === 'rejected') {
      this.waiting.delete(job.id);
      this.deps.telemetry.event('run.finished', { runbook: updated.runbook, target: updated.target, outcome: 'rejected' }, { durationMs: 0 });
      this.inBackground(this.delivery.final(updated.id).finally(() => this.unclaim(job.id)));
      return { kind: 'rejected', job: updated, card: this.cardOf(updated) };
    }
    if (became === 'pending_approval') {
      await this.unclaim(job.id);
      this.delivery.refresh(updated, []);
      return { kind: 'approved', job: updated, card: this.cardOf(updated), remaining: rule.count - approvedCount };
    }
    this.deps.telemetry.event('run.approved', { runbook: updated.runbook, target: updated.target });
    const tracker = this.track(updated);
    tracker.holdCardUntil(now + this.settings.cardRefreshMs);
    this.startApproved(tracker, runbook);
    return { kind: 'approved', job: updated, card: this.cardOf(updated), remaining: 0 };
  }

  /**
   * Starts an approved run with the values kept in memory, or the stored ones when it had no
   * secrets. Never waits for the executor or a card: it runs on an approver's click.
   */
  private startApproved(tracker: JobTracker, runbook: RunbookDefinition | undefined): void {
    const job = tracker.job;
    const kept = this.waiting.get(job.id)?.values;
    this.waiting.delete(job.id);
    const end = (outcome: Omit<Outcome, 'at'>) => this.inBackground(tracker.finish({ ...outcome, at: this.isoNow() }));
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
      executor = this.deps.executors.executorByName(job.executor) ?? this.deps.executors.executorFor(runbook, job.target);
    } catch (error) {
      return end({ status: 'failed', error: describeError(error) });
    }
    this.launch(tracker, executor, { jobId: job.id, runbook, values: validation.values, target: job.target, timeoutSeconds: runbook.timeoutSeconds });
  }

  /** Rejects a request nobody approved in time. Returns undefined when another instance holds it. */
  private async expire(job: Job): Promise<Job | undefined> {
    if (!(await this.deps.store.acquireLease(leaseKey(job.id), this.deps.instanceId, this.settings.leaseTtlMs, new Date(this.clock.now()))))
      return undefined;
    this.claimed.add(job.id);
    let expired = false;
    const updated = await this.writer
      .change(job, (j) => {
        expired = j.status === 'pending_approval';
        if (!expired) return undefined;
        return {
          ...j,
          status: 'rejected',
          endedAt: this.isoNow(),
          error: `Nobody approved this run before ${j.approval?.expiresAt ?? 'the deadline'}, so the request expired. Run it again if it is still needed.`,
        };
      })
      .catch(async (error: unknown) => {
        await this.unclaim(job.id);
        throw error;
      });
    if (expired) {
      this.waiting.delete(job.id);
      await this.audit.record('approval.expired', { job: updated, detail: { expiresAt: job.approval?.expiresAt } });
      this.deps.telemetry.event('run.finished', { runbook: updated.runbook, target: updated.target, outcome: 'expired' }, { durationMs: 0 });
    }
    this.inBackground(this.delivery.final(updated.id).finally(() => this.unclaim(job.id)));
    return updated;
  }

  // ---- Reading ----------------------------------------------------------------------------------

  get(jobId: string): Promise<Job | undefined> {
    return this.deps.store.getJob(jobId);
  }

  /** The job card as this user should see it (card refresh): approval buttons only for approvers. */
  async view(user: Principal, conversation: ConversationInfo, jobId: string): Promise<{ job: Job; card: AdaptiveCard } | undefined> {
    const job = await this.deps.store.getJob(jobId);
    if (!job || !canView(job, user, conversation)) return undefined;
    return { job, card: this.cardOf(job, await this.viewerOf(user, conversation, job)) };
  }

  private async viewerOf(user: Principal, conversation: ConversationInfo, job: Job): Promise<CardViewer> {
    const viewer: CardViewer = { canCancel: false, canDecide: false };
    if (sharedViewer(job).canCancel) viewer.canCancel = await this.mayCancel(user, conversation, job);
    const rule = job.approval;
    if (job.status === 'pending_approval' && rule && !samePerson(job.requester, user) && !job.approvals?.some((a) => samePerson(a.by, user))) {
      const expiresInSeconds = Math.round((Date.parse(rule.expiresAt) - this.clock.now()) / 1000);
      if (expiresInSeconds > 0) {
        const place = placeOf((await this.deps.store.getConversation(job.conversationKey)) ?? conversation);
        viewer.canDecide = await this.deps.policy.canApprove(
          user,
          { count: rule.count, groups: rule.groups, expiresInSeconds },
          { requester: job.requester, runbook: this.deps.catalog.get(job.runbook), place },
        );
      }
    }
    return viewer;
  }

  /** One page of a job's full output (pages start at 0). */
  async output(user: Principal, conversation: ConversationInfo, jobId: string, page = 0): Promise<OutputPage> {
    const job = await this.deps.store.getJob(jobId);
    if (!job || !canView(job, user, conversation)) return { kind: 'not_found', jobId };
    const pageSize = this.settings.outputPageSize;
    const chunks = await this.deps.store.readOutput(jobId, page * pageSize, pageSize + 1);
    return { kind: 'page', job, chunks: chunks.slice(0, pageSize), page, pageSize, hasMore: chunks.length > pageSize };
  }

  listJobs(filter: JobFilter): Promise<Job[]> {
    return this.deps.store.listJobs(filter);
  }

  /** "How has this runbook been used" (parameters are stored masked). */
  history(runbook: string, limit?: number): Promise<HistoryEntry[]> {
    return this.deps.store.history(runbook, limit);
  }

  /** Ids of the jobs this instance is tracking now. */
  trackedJobIds(): string[] {
    return [...this.trackers.keys()];
  }

  private cardOf(job: Job, viewer?: CardViewer): AdaptiveCard {
    return this.delivery.card(job, this.trackers.get(job.id)?.outputTail() ?? [], viewer);
  }

  // ---- Leases, resume, shutdown -----------------------------------------------------------------

  /**
   * Takes over what nobody tracks: open jobs whose lease is free (reattached, or reported lost
   * when they never got an executor job id), expired approvals, and final cards not yet delivered.
   */
  resumeAll(): Promise<ResumeReport> {
    this.resuming ??= this.resumeOnce().finally(() => {
      this.resuming = undefined;
    });
    return this.resuming;
  }

  private async resumeOnce(): Promise<ResumeReport> {
    const report: ResumeReport = { reattached: [], lost: [], expired: [], finalCardsDelivered: [], ownedElsewhere: [] };
    if (!this.accepting) return report;
    const { store, instanceId } = this.deps;
    this.forgetExpiredValues();
    const unsettled = await store.listJobs({ unsettled: true });
    for (const listed of unsettled) {
      if (this.claimed.has(listed.id)) continue;
      if (listed.status === 'pending_approval') {
        if (listed.approval && Date.parse(listed.approval.expiresAt) <= this.clock.now())
          (await this.expire(listed)) ? report.expired.push(listed.id) : report.ownedElsewhere.push(listed.id);
        continue;
      }
      if (!(await store.acquireLease(leaseKey(listed.id), instanceId, this.settings.leaseTtlMs, new Date(this.clock.now())))) {
        report.ownedElsewhere.push(listed.id);
        continue;
      }
      if (this.claimed.has(listed.id)) continue;
      this.claimed.add(listed.id);
      // Read again under the lease: the previous owner may have moved it on since the listing.
      const job = await store.getJob(listed.id);
      if (job && !isFinal(job.status)) await this.resumeTracking(job, report);
      else if (job && !job.finalCardSent) this.deliverFinalLater(job.id, report);
      else await this.unclaim(listed.id);
    }
    return report;
  }

  /** A final card that never arrived (the instance died before delivering it). */
  private deliverFinalLater(jobId: string, report: ResumeReport): void {
    report.finalCardsDelivered.push(jobId);
    this.inBackground(this.delivery.final(jobId).finally(() => this.unclaim(jobId)));
  }

  private async resumeTracking(job: Job, report: ResumeReport): Promise<void> {
    const tracker = this.track(job);
    await tracker.loadTail();
    const at = this.isoNow();
    const executor = this.deps.executors.executorByName(job.executor);
    if (!job.executorJobId || !executor) {
      report.lost.push(job.id);
      const error = job.executorJobId
        ? `This run was started by the executor "${job.executor}", which is not configured on this instance, so it cannot be followed.`
        : LOST_BEFORE_START;
      this.inBackground(tracker.finish({ status: 'lost', error, at }));
      return;
    }
    try {
      await executor.reattach(job.id, job.executorJobId, tracker.listener);
      this.reattachFailures.delete(job.id);
      report.reattached.push(job.id);
      await this.audit.record('job.reattached', { job, detail: { instance: this.deps.instanceId } });
    } catch (error) {
      const failures = (this.reattachFailures.get(job.id) ?? 0) + 1;
      this.reattachFailures.set(job.id, failures);
      this.log.warn({ job: job.id, failures, err: describeError(error) }, 'reattach failed');
      if (failures >= this.settings.reattachAttempts) {
        this.inBackground(tracker.finish({ status: 'failed', error: `The executor could not report on this run: ${describeError(error)}`, at }));
        return;
      }
      tracker.stop();
      this.trackers.delete(job.id);
      await this.unclaim(job.id);
    }
  }

  /** Resumes now, then renews leases and resumes periodically until shutdown. */
  async startMaintenance(): Promise<ResumeReport> {
    const report = await this.resumeAll();
    this.every(this.settings.leaseRenewMs, () => this.renewLeases());
    this.every(this.settings.resumeEveryMs, () => this.resumeAll());
    return report;
  }

  private every(ms: number, work: () => Promise<unknown>): void {
    const schedule = () => {
      const timer = this.clock.setTimeout(() => {
        this.timers.delete(timer);
        void work()
          .catch((error: unknown) => this.log.error({ err: error }, 'job maintenance failed'))
          .finally(() => this.accepting && schedule());
      }, ms);
      this.timers.add(timer);
    };
    schedule();
  }

  /** Keeps the leases of everything this instance holds; lets go of jobs someone else took over. */
  async renewLeases(): Promise<void> {
    for (const id of [...this.claimed]) {
      const lease = await this.deps.store.acquireLease(leaseKey(id), this.deps.instanceId, this.settings.leaseTtlMs, new Date(this.clock.now()));
      if (lease) continue;
      const tracker = this.trackers.get(id);
      this.log.warn({ job: id }, 'lease lost to another instance; it tracks the job from now on');
      if (tracker) this.abandon(tracker);
      this.claimed.delete(id);
    }
  }

  private abandon(tracker: JobTracker): void {
    tracker.stop();
    this.trackers.delete(tracker.id);
    const { executorJobId, executor } = tracker.job;
    if (executorJobId) this.deps.executors.executorByName(executor)?.detach(executorJobId);
  }

  private forgetExpiredValues(): void {
    const now = this.clock.now();
    for (const [id, kept] of this.waiting) if (kept.expiresAt <= now) this.waiting.delete(id);
  }

  /** Stop taking work, let in-flight starts and cards finish (bounded), release leases, detach executors. */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    this.accepting = false;
    for (const timer of this.timers) this.clock.clearTimeout(timer);
    this.timers.clear();
    const deadline = this.clock.now() + this.settings.shutdownGraceMs;
    await this.within(deadline, Promise.allSettled([this.resuming, ...this.background]));
    await this.within(deadline, Promise.allSettled([...this.trackers.values()].map((t) => t.idle())));
    await this.deps.messenger.drain(Math.max(0, deadline - this.clock.now()));
    for (const tracker of [...this.trackers.values()]) this.abandon(tracker);
    await Promise.allSettled([...this.claimed].map((id) => this.deps.store.releaseLease(leaseKey(id), this.deps.instanceId)));
    this.claimed.clear();
    this.waiting.clear();
  }

  private async within(deadline: number, work: Promise<unknown>): Promise<void> {
    const wait = deadline - this.clock.now();
    if (wait <= 0) return;
    let timer: TimerHandle | undefined;
    await Promise.race([work, new Promise<void>((resolve) => (timer = this.clock.setTimeout(resolve, wait)))]);
    if (timer) this.clock.clearTimeout(timer);
  }

  private async unclaim(jobId: string): Promise<void> {
    if (!this.claimed.delete(jobId)) return;
    await this.deps.store
      .releaseLease(leaseKey(jobId), this.deps.instanceId)
      .catch((error: unknown) => this.log.warn({ job: jobId, err: error }, 'lease release failed; it expires on its own'));
  }

  private inBackground(work: Promise<unknown>): void {
    const tracked = work.catch((error: unknown) => this.log.error({ err: error }, 'background job work failed'));
    this.background.add(tracked);
    void tracked.finally(() => this.background.delete(tracked));
  }

  private isoNow(): string {
    return new Date(this.clock.now()).toISOString();
  }
}
