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
 * - One instance tracks a job at a time, holding the lease `job:<id>` (JobRuns); resumeAll()
 *   takes over jobs whose lease is free (JobResumer); approvals live in Approvals.
 */
import type { ConversationInfo } from '../domain/conversation.js';
import { isFinal, samePerson, type Job, type Principal } from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { RunbookDefinition } from '../domain/runbook.js';
import { ExecutionError, type Executor } from '../execution/executor.js';
import { ConflictError, type HistoryEntry, type Store } from '../store/store.js';
import { maskSecrets } from '../validation/mask.js';
import { validateValues } from '../validation/validate.js';
import { Approvals } from './approvals.js';
import { newFormId, newJobId } from './ids.js';
import { sharedViewer, type CardViewer } from './job-cards.js';
import { createJobLayer, describeError, isoNow, type JobLayer, type JobServiceDeps } from './job-layer.js';
import { JobRuns } from './job-runs.js';
import { placeOf } from './place.js';
import { canView, checkFormSubmit, prefillFrom, type FormInputs } from './requests.js';
import { JobResumer } from './resume.js';
import { checkTarget, targetChoices } from './target-choice.js';
import type { CancelResult, DecisionResult, IssueFormResult, OutputPage, ResumeReport, SubmitResult } from './results.js';

export { DEFAULT_JOB_SETTINGS, type JobServiceDeps, type JobServiceSettings } from './job-layer.js';

export interface FormSubmitOptions {
  /** The activity of the card that was submitted: it becomes the job card (answered by the invoke). */
  cardActivityId?: string;
  /** A runbook name the card data carried, checked against the form's. */
  claimedRunbook?: string;
  /** The invoke's activity id: logged with the job id so a request can be followed to its job. */
  requestId?: string;
  /** The target the form's "Run on" choice carried (untrusted: checked against policy and executor). */
  target?: string;
}

export interface TextSubmitOptions {
  /** The message's activity id: a redelivered message is answered with the job it already started. */
  requestId?: string;
}

export type JobFilter = Parameters<Store['listJobs']>[0];

export class JobService {
  private readonly layer: JobLayer;
  private readonly runs: JobRuns;
  private readonly approvals: Approvals;
  private readonly resumer: JobResumer;
  private accepting = true;
  private stopping?: Promise<void>;

  constructor(deps: JobServiceDeps) {
    this.layer = createJobLayer(deps);
    this.runs = new JobRuns(this.layer);
    this.approvals = new Approvals(this.layer, this.runs, (job) => this.cardOf(job));
    this.resumer = new JobResumer(this.layer, this.runs, this.approvals);
  }

  // ---- Forms and requests -------------------------------------------------------------------

  /** Hands out a form for a runbook; "run again" pre-fills the non-secret values of a visible job. */
  async issueForm(
    user: Principal,
    conversation: ConversationInfo,
    runbookName: string,
    options: { fromJobId?: string } = {},
  ): Promise<IssueFormResult> {
    const { catalog, policy, store } = this.layer.deps;
    const runbook = catalog.get(runbookName);
    if (!runbook) return { kind: 'unknown_runbook', name: runbookName, suggestions: catalog.suggest(runbookName, 3) };
    if (!(await policy.canSee(user, runbook, placeOf(conversation))))
      return { kind: 'not_allowed', runbook: runbook.name, reason: `You may not run ${runbook.name} here.` };
    const earlier = options.fromJobId ? await store.getJob(options.fromJobId) : undefined;
    const prefill = earlier && canView(earlier, user, conversation) ? prefillFrom(earlier, runbook) : {};
    const form = this.grant(user, conversation, runbook, newFormId());
    await store.createForm(form);
    const choices = await this.targetChoices(user, conversation, runbook);
    return { kind: 'form', form, runbook, prefill, ...(choices.length ? { targetChoices: choices } : {}) };
  }

  /** Targets a form may offer this user here, the runbook's own first; empty: no choice (also when listing fails). */
  async targetChoices(user: Principal, conversation: ConversationInfo, runbook: RunbookDefinition): Promise<string[]> {
    const executor = this.executorOf(runbook);
    return executor ? targetChoices(this.choiceDeps(), executor, user, runbook, placeOf(conversation)) : [];
  }

  /** The executor for the runbook's own target, if one is configured (forms offer its targets). */
  private executorOf(runbook: RunbookDefinition): Executor | undefined {
    try {
      return this.layer.deps.executors.executorFor(runbook, runbook.target);
    } catch (error) {
      if (error instanceof ExecutionError) return undefined;
      throw error;
    }
  }

  private choiceDeps() {
    return { policy: this.layer.deps.policy, logger: this.layer.log };
  }

  private grant(user: Principal, conversation: ConversationInfo, runbook: RunbookDefinition, id: string) {
    const now = this.layer.clock.now();
    return {
      id,
      runbook: runbook.name,
      userId: user.id,
      conversationKey: conversation.key,
      issuedAt: new Date(now).toISOString(),
      expiresAt: new Date(now + this.layer.settings.formTtlMs).toISOString(),
    };
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
    const { deps, audit, clock } = this.layer;
    const check = await checkFormSubmit({ store: deps.store, catalog: deps.catalog, audit, clock }, user, conversation, {
      formId,
      inputs,
      claimedRunbook: options.claimedRunbook,
    });
    if (!check.ok) return 'usedBy' in check ? this.duplicate(check.usedBy) : check.refusal;
    return this.request(user, conversation, check.runbook, check.values, {
      source: 'form',
      formId,
      cardActivityId: options.cardActivityId,
      requestId: options.requestId,
      target: options.target,
    });
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
    const { deps, audit } = this.layer;
    const runbook = deps.catalog.get(runbookName);
    if (!runbook) {
      await audit.record('request.refused', { actor: user, conversationKey: conversation.key, detail: { reason: 'unknown_runbook', name: runbookName.slice(0, 200) } });
      return { kind: 'unknown_runbook', name: runbookName, suggestions: deps.catalog.suggest(runbookName, 3) };
    }
    let formId: string | undefined;
    if (options.requestId) {
      // The message itself is the "form": a redelivered message finds it used. Teams message ids
      // are timestamps, unique only within their conversation, hence the conversation in the key.
      formId = `text:${conversation.key}:${options.requestId}`;
      try {
        await deps.store.createForm(this.grant(user, conversation, runbook, formId));
      } catch (error) {
        if (!(error instanceof ConflictError)) throw error;
        const used = (await deps.store.getForm(formId))?.jobId;
        if (used) return this.duplicate(used);
      }
    }
    return this.request(user, conversation, runbook, rawValues, { source: 'text', formId, requestId: options.requestId });
  }

  private async request(
    user: Principal,
    conversation: ConversationInfo,
    runbook: RunbookDefinition,
    raw: Record<string, unknown>,
    via: { source: 'form' | 'text'; formId?: string; cardActivityId?: string; requestId?: string; target?: string },
  ): Promise<SubmitResult> {
    const { deps, audit, clock, delivery, settings } = this.layer;
    const facts = { actor: user, runbook: runbook.name, conversationKey: conversation.key };
    const requested = (outcome: string, target = runbook.target) =>
      deps.telemetry.event('run.requested', { runbook: runbook.name, target, outcome });
    delivery.remember(conversation);
    await audit.record('run.requested', { ...facts, detail: { via: via.source, formId: via.formId } });

    const validation = validateValues(runbook, raw);
    if (!validation.ok) {
      await audit.record('request.invalid', { ...facts, detail: { parameters: validation.issues.map((i) => i.parameter) } });
      requested('invalid');
      const message = validation.issues.map((i) => i.message).join('\n');
      return { kind: 'invalid', runbook, issues: validation.issues, formId: via.source === 'form' ? via.formId : undefined, message };
    }
    const values = validation.values;

    const decision = await deps.policy.decide(user, runbook, placeOf(conversation), values);
    await audit.record('policy.decision', {
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

    const verdict = deps.requestLimiter?.take(user, conversation, clock.now());
    if (verdict && !verdict.ok) {
      await audit.record('request.rate_limited', { ...facts, detail: { scope: verdict.scope } });
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
      executor = deps.executors.executorFor(runbook, runbook.target);
    } catch (error) {
      await audit.record('request.refused', { ...facts, detail: { reason: 'no_executor', error: describeError(error) } });
      return { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error), hint: error instanceof ExecutionError ? error.hint : undefined };
    }
    const target = await checkTarget(this.choiceDeps(), executor, user, runbook, placeOf(conversation), via.target);
    if (!target.ok) {
      await audit.record('request.refused', { ...facts, detail: { reason: target.reason, target: via.target?.slice(0, 100) } });
      requested('refused');
      return { kind: 'forbidden_form', reason: target.message };
    }

    const id = await this.freshJobId();
    if (via.formId) {
      const used = await deps.store.useForm(via.formId, id);
      if (used) {
        await audit.record('request.refused', { ...facts, detail: { reason: 'replay', formId: via.formId, jobId: used } });
        return this.duplicate(used);
      }
    }
    // The one line that joins the request's correlation id (the activity id) to the job's id.
    deps.logger.info({ cid: via.requestId, job: id, runbook: runbook.name, via: via.source, decision: decision.effect }, 'run requested');
    const draft: Omit<Job, 'version'> = {
      id,
      runbook: runbook.name,
      parameters: maskSecrets(runbook, values),
      requester: user,
      conversationKey: conversation.key,
      cardActivityId: via.cardActivityId,
      target: target.target,
      executor: executor.name,
      status: 'queued',
      createdAt: isoNow(clock),
    };
    if (decision.effect === 'approval') {
      const job = await this.approvals.request(draft, values, decision.rule, decision.approval, via.cardActivityId);
      requested('pending_approval', target.target);
      return { kind: 'pending_approval', job, card: this.cardOf(job), approval: decision.approval };
    }

    // The lease comes first, so no resume sweep can see this job without an owner.
    await this.runs.claim(id);
    let job: Job;
    try {
      job = await deps.store.createJob(draft);
    } catch (error) {
      await this.runs.unclaim(id);
      throw error;
    }
    const tracker = this.runs.track(job);
    // A form card becomes the job card through the invoke answer; updates must not overtake it.
    if (via.cardActivityId) tracker.holdCardUntil(clock.now() + settings.cardRefreshMs);
    else tracker.postCard();
    await audit.record('job.created', {
      actor: user,
      job,
      detail: { status: job.status, target: job.target, executor: job.executor, parameters: job.parameters },
    });
    requested('queued', target.target);
    this.runs.launch(tracker, executor, { jobId: id, runbook, values, target: job.target, timeoutSeconds: runbook.timeoutSeconds });
    return { kind: 'started', job, card: this.cardOf(job) };
  }

  private async duplicate(jobId: string): Promise<SubmitResult> {
    const { deps, clock } = this.layer;
    // A double click can arrive while the first submit is still creating the job it claimed the form for.
    let job = await deps.store.getJob(jobId);
    for (let attempt = 0; !job && attempt < 20; attempt++) {
      await new Promise<void>((resolve) => clock.setTimeout(resolve, 25));
      job = await deps.store.getJob(jobId);
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
      if (!this.runs.isClaimed(id) && !(await this.layer.deps.store.getJob(id))) return id;
    }
  }

  // ---- Cancel and approvals -------------------------------------------------------------------

  /** Cancel a run: its requester, or someone the policy allows to run it in this conversation. */
  async cancel(user: Principal, conversation: ConversationInfo, jobId: string): Promise<CancelResult> {
    const { deps, audit, writer, delivery } = this.layer;
    const job = await deps.store.getJob(jobId);
    if (!job) return { kind: 'not_found', jobId };
    if (isFinal(job.status)) return { kind: 'already_final', job, card: this.cardOf(job) };
    if (!(await this.mayCancel(user, conversation, job))) {
      await audit.record('job.cancel_refused', { actor: user, job, detail: { conversation: conversation.key } });
      return { kind: 'forbidden', job, reason: `Only ${job.requester.name} or someone allowed to run ${job.runbook} here can cancel job ${job.id}.` };
    }
    if (job.status === 'pending_approval') return this.withdraw(user, conversation, job);

    const updated = await writer.change(job, (j) => (isFinal(j.status) || j.status === 'cancelling' ? undefined : { ...j, status: 'cancelling' }));
    if (isFinal(updated.status)) return { kind: 'already_final', job: updated, card: this.cardOf(updated) };
    await audit.record('job.cancel_requested', { actor: user, job: updated, detail: { previous: job.status } });
    const tracker = this.runs.tracker(jobId);
    if (tracker) tracker.observe(updated);
    else delivery.refresh(updated, []);
    // Without an executor job id the start is still in flight; it cancels once the id is known.
    if (updated.executorJobId) this.runs.inBackground(this.runs.requestCancel(updated));
    return { kind: 'cancelling', job: updated, card: this.cardOf(updated) };
  }

  private async withdraw(user: Principal, conversation: ConversationInfo, job: Job): Promise<CancelResult> {
    const { deps, audit, writer, clock, delivery } = this.layer;
    const at = isoNow(clock);
    const updated = await writer.change(job, (j) =>
      j.status === 'pending_approval' ? { ...j, status: 'cancelled', endedAt: at, error: `Cancelled by ${user.name} before it was approved.` } : undefined,
    );
    if (updated.status !== 'cancelled') return this.cancel(user, conversation, job.id);
    this.approvals.withdrawn(job.id);
    await audit.record('job.cancelled', { actor: user, job: updated, detail: { before: 'approval' } });
    deps.telemetry.event('run.finished', { runbook: updated.runbook, target: updated.target, outcome: 'cancelled' }, { durationMs: 0 });
    this.runs.inBackground(delivery.final(updated.id));
    return { kind: 'cancelled', job: updated, card: this.cardOf(updated) };
  }

  private async mayCancel(user: Principal, conversation: ConversationInfo, job: Job): Promise<boolean> {
    if (samePerson(job.requester, user)) return true;
    const runbook = this.layer.deps.catalog.get(job.runbook);
    if (!runbook) return false;
    const decision = await this.layer.deps.policy.decide(user, runbook, placeOf(conversation), job.parameters);
    return decision.effect === 'allow';
  }

  approve(user: Principal, conversation: ConversationInfo, jobId: string, comment?: string): Promise<DecisionResult> {
    return this.approvals.decide(user, conversation, jobId, 'approved', comment);
  }

  reject(user: Principal, conversation: ConversationInfo, jobId: string, comment?: string): Promise<DecisionResult> {
    return this.approvals.decide(user, conversation, jobId, 'rejected', comment);
  }

  // ---- Reading ----------------------------------------------------------------------------------

  get(jobId: string): Promise<Job | undefined> {
    return this.layer.deps.store.getJob(jobId);
  }

  /** The job card as this user should see it (card refresh): approval buttons only for approvers. */
  async view(user: Principal, conversation: ConversationInfo, jobId: string): Promise<{ job: Job; card: AdaptiveCard } | undefined> {
    const job = await this.layer.deps.store.getJob(jobId);
    if (!job || !canView(job, user, conversation)) return undefined;
    const viewer: CardViewer = {
      canCancel: sharedViewer(job).canCancel && (await this.mayCancel(user, conversation, job)),
      canDecide: await this.approvals.canDecide(user, conversation, job),
    };
    return { job, card: this.cardOf(job, viewer) };
  }

  /** One page of a job's full output (pages start at 0). */
  async output(user: Principal, conversation: ConversationInfo, jobId: string, page = 0): Promise<OutputPage> {
    const { store } = this.layer.deps;
    const job = await store.getJob(jobId);
    if (!job || !canView(job, user, conversation)) return { kind: 'not_found', jobId };
    const pageSize = this.layer.settings.outputPageSize;
    const chunks = await store.readOutput(jobId, page * pageSize, pageSize + 1);
    return { kind: 'page', job, chunks: chunks.slice(0, pageSize), page, pageSize, hasMore: chunks.length > pageSize };
  }

  listJobs(filter: JobFilter): Promise<Job[]> {
    return this.layer.deps.store.listJobs(filter);
  }

  /** "How has this runbook been used" (parameters are stored masked). */
  history(runbook: string, limit?: number): Promise<HistoryEntry[]> {
    return this.layer.deps.store.history(runbook, limit);
  }

  /** Ids of the jobs this instance is tracking now. */
  trackedJobIds(): string[] {
    return this.runs.trackedIds();
  }

  private cardOf(job: Job, viewer?: CardViewer): AdaptiveCard {
    return this.layer.delivery.card(job, this.runs.tracker(job.id)?.outputTail() ?? [], viewer);
  }

  // ---- Leases, resume, shutdown -----------------------------------------------------------------

  /**
   * Takes over what nobody tracks: open jobs whose lease is free (reattached, or reported lost
   * when they never got an executor job id), expired approvals, and final cards not yet delivered.
   */
  resumeAll(): Promise<ResumeReport> {
    return this.resumer.resumeAll();
  }

  /** Resumes now, then renews leases and resumes periodically until shutdown. */
  startMaintenance(): Promise<ResumeReport> {
    return this.resumer.startMaintenance();
  }

  /** Keeps the leases of everything this instance holds; lets go of jobs someone else took over. */
  renewLeases(): Promise<void> {
    return this.runs.renewLeases();
  }

  /** Stop taking work, let in-flight starts and cards finish (bounded), detach executors, release leases. */
  shutdown(): Promise<void> {
    this.stopping ??= this.stop();
    return this.stopping;
  }

  private async stop(): Promise<void> {
    this.accepting = false;
    const deadline = this.layer.clock.now() + this.layer.settings.shutdownGraceMs;
    await this.resumer.stop();
    await this.runs.stop(deadline);
    this.approvals.clear();
  }
}
