/**
 * Runs runbooks as Azure Automation jobs in one Automation account — in the Azure cloud sandbox
 * or on a Hybrid Runbook Worker group (the job's `runOn`) — and reports their life through the
 * account's batched JobTracker. Executor name: `azure:<account name>`.
 *
 * A start is refused before anything runs, with a specific error, when the runbook is not in the
 * account or was never published, when its published parameters differ from the form's, when a
 * value is a secret, or when the worker group is unknown or empty. Job names are GUIDs chosen
 * here, so the pipeline's retry of a PUT after a dropped connection cannot start the job twice.
 */
import { randomUUID } from 'node:crypto';
import type { Logger } from '../../logging/logger.js';
import { silentLogger } from '../../logging/logger.js';
import { ExecutionError, type ExecutionListener, type ExecutionSpec, type Executor } from '../executor.js';
import { ArmError } from './arm-errors.js';
import type { AzureJob, AzureRunbook, JobCreateBody } from './arm-types.js';
import type { AutomationClient } from './automation-client.js';
import { jobParameters } from './job-parameters.js';
import { isFinalAzureStatus, liveStatus } from './job-status.js';
import { JobTracker, MISSING_CONFIRMATIONS } from './job-tracker.js';
import { WorkerGroups } from './worker-groups.js';

export interface AzureExecutorOptions {
  client: AutomationClient;
  /** Base interval of the batched tracker (config.executor.azure.pollIntervalMs). */
  pollIntervalMs: number;
  /** ARM calls per minute the account may spend reading running jobs' output (default 40; finished jobs get 3×). */
  streamCallsPerMinute?: number;
  /** Failed polls in a row after which tracked jobs are reported lost (default 10). */
  giveUpAfterFailures?: number;
  /** How long a published runbook's metadata and the worker-group list stay cached (default 5 min). */
  cacheMs?: number;
  /**
   * Where a reattached job's output resumes: the `at` of the last output chunk already stored for
   * it (the tracker reports Azure's stream timestamp as `at`). Without it, a reattached job's
   * output is reported again from its start.
   */
  resumeCursor?: (jobId: string) => Promise<string | undefined>;
  logger?: Logger;
}

interface CachedRunbook {
  runbook: AzureRunbook;
  at: number;
}

export class AzureAutomationExecutor implements Executor {
  readonly name: string;
  private readonly client: AutomationClient;
  private readonly tracker: JobTracker;
  private readonly groups: WorkerGroups;
  private readonly cacheMs: number;
  private readonly published = new Map<string, CachedRunbook>();
  private readonly resumeCursor?: (jobId: string) => Promise<string | undefined>;
  private readonly logger: Logger;

  constructor(options: AzureExecutorOptions) {
    this.client = options.client;
    this.name = `azure:${options.client.account.name}`;
    this.cacheMs = options.cacheMs ?? 5 * 60_000;
    this.logger = (options.logger ?? silentLogger()).child({ executor: this.name });
    this.resumeCursor = options.resumeCursor;
    this.groups = new WorkerGroups(options.client, this.cacheMs);
    this.tracker = new JobTracker({
      client: options.client,
      pollIntervalMs: options.pollIntervalMs,
      streamCallsPerMinute: options.streamCallsPerMinute,
      giveUpAfterFailures: options.giveUpAfterFailures,
      logger: this.logger,
    });
  }

  /** Worker groups a form may offer as targets (cached listing). */
  workerGroups(): Promise<string[]> {
    return this.groups.list();
  }

  /** The Azure cloud sandbox and the account's worker groups (cached listing). */
  async targets(): Promise<string[]> {
    return ['cloud', ...(await this.workerGroups())];
  }

  /** Resource Manager calls made so far (benchmarks, diagnostics). */
  callCount(): number {
    return this.client.callCount();
  }

  async start(spec: ExecutionSpec, listener: ExecutionListener): Promise<string> {
    const runOn = await this.runOn(spec);
    const published = await this.publishedRunbook(spec.runbook.name);
    const parameters = jobParameters(spec.runbook, spec.values, published);
    const jobName = randomUUID();
    const job = await this.create(jobName, published.name, { properties: { runbook: { name: published.name }, parameters, runOn } });
    const status = job.properties.status ?? 'New';
    this.tracker.track({
      jobId: spec.jobId,
      jobName,
      listener,
      status,
      lastModifiedTime: job.properties.lastModifiedTime,
      cursorTime: job.properties.creationTime ?? new Date().toISOString(),
      deadline: Date.now() + spec.timeoutSeconds * 1000,
      timeoutSeconds: spec.timeoutSeconds,
    });
    listener({ kind: 'status', status: liveStatus(status), executorStatus: status, at: new Date().toISOString() });
    if (published.properties.state === 'Edit')
      listener({
        kind: 'output',
        stream: 'warning',
        text: `Switchboard: runbook "${published.name}" has unpublished draft changes in Azure; the published version runs.`,
        at: new Date().toISOString(),
      });
    this.logger.info({ job: spec.jobId, azureJob: jobName, runbook: published.name, runOn: runOn || 'cloud' }, 'Azure job created');
    return jobName;
  }

  async cancel(executorJobId: string): Promise<void> {
    await this.client.stopJob(executorJobId);
    this.tracker.lookSoon(executorJobId);
  }

  async reattach(jobId: string, executorJobId: string, listener: ExecutionListener): Promise<void> {
    const job = await this.existingJob(executorJobId);
    if (!job) {
      listener({
        kind: 'finished',
        status: 'lost',
        error: `The Azure job ${executorJobId} no longer exists in Automation account "${this.client.account.accountName}".`,
        at: new Date().toISOString(),
      });
      return;
    }
    const resumeAt = await this.resumeCursor?.(jobId);
    const status = job.properties.status ?? 'New';
    this.tracker.track({
      jobId,
      jobName: executorJobId,
      listener,
      status,
      lastModifiedTime: job.properties.lastModifiedTime,
      endTime: job.properties.endTime,
      cursorTime: resumeAt ?? job.properties.creationTime ?? new Date(0).toISOString(),
      cursorInclusive: resumeAt !== undefined,
    });
    if (!isFinalAzureStatus(status))
      listener({ kind: 'status', status: liveStatus(status), executorStatus: status, at: new Date().toISOString() });
  }

  detach(executorJobId: string): void {
    this.tracker.untrack(executorJobId);
  }

  /** Ready when a token can be obtained and tracking polls are not failing. */
  async ready(): Promise<boolean> {
    return (await this.client.canAuthenticate()) && !this.tracker.failing();
  }

  async close(): Promise<void> {
    this.tracker.close();
  }

  // ---- start checks ----------------------------------------------------------------------

  private async runOn(spec: ExecutionSpec): Promise<string> {
    if (spec.target === 'cloud') return '';
    if (spec.target === 'local')
      throw new ExecutionError(
        `Runbook "${spec.runbook.name}" targets this machine ("local"), which Azure Automation cannot run.`,
        'unsupported_target',
        'Choose the Azure cloud sandbox or a Hybrid Runbook Worker group.',
      );
    return this.groups.usable(spec.target);
  }

  /** The runbook as published in the account; New (never published) runbooks are refused. */
  private async publishedRunbook(name: string): Promise<AzureRunbook> {
    const key = name.toLowerCase();
    const cached = this.published.get(key);
    if (cached && Date.now() - cached.at < this.cacheMs) return cached.runbook;
    const account = this.client.account.accountName;
    const runbook = await this.client.getRunbook(
      name,
      () =>
        new ArmError(
          `Runbook "${name}" does not exist in Automation account "${account}".`,
          'not_found',
          `Publish it first: npm run publish -- --account ${this.client.account.name}`,
          404,
        ),
    );
    if (runbook.properties.state !== 'Published' && runbook.properties.state !== 'Edit')
      throw new ExecutionError(
        `Runbook "${name}" exists in Automation account "${account}" but has never been published (state ${runbook.properties.state ?? 'unknown'}).`,
        'not_published',
        `Publish it: npm run publish -- --account ${this.client.account.name} (or Publish in the Azure portal).`,
      );
    this.published.set(key, { runbook, at: Date.now() });
    return runbook;
  }

  /** Job_Get, or undefined once Azure has answered 404 several times in a row. */
  private async existingJob(jobName: string): Promise<AzureJob | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        return await this.client.getJob(jobName);
      } catch (error) {
        if (!(error instanceof ArmError) || error.statusCode !== 404) throw error;
        if (attempt >= MISSING_CONFIRMATIONS) return undefined;
      }
    }
  }

  /** Job_Create; a 409 after a retried PUT means the first attempt created the job. */
  private async create(jobName: string, runbook: string, body: JobCreateBody): Promise<AzureJob> {
    try {
      return await this.client.createJob(jobName, body, runbook);
    } catch (error) {
      if (!(error instanceof ArmError) || error.code !== 'conflict') throw error;
      const existing = await this.client.getJob(jobName);
      if (existing.properties.runbook?.name?.toLowerCase() !== runbook.toLowerCase()) throw error;
      return existing;
    }
  }
}
