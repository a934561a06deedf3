/**
 * A small typed client for the Azure Automation operations Switchboard needs, on Azure's own
 * HTTP pipeline: `@azure-rest/core-client` (api-version policy, bearer-token policy with the
 * credential, retry policy that honours Retry-After on 429/503 and backs off exponentially on
 * 5xx and dropped connections) and `@azure/core-lro` for the 202 + Location long-running
 * operations (draft content, publish).
 *
 * Why not `@azure/arm-automation`: the build served by the registry is a track-1 package on the
 * retired `@azure/ms-rest-js` that speaks api-version 2017-05-15-preview for jobs; the current
 * stable API is 2024-10-23 and needs only a dozen calls.
 *
 * Every HTTP attempt (retries and long-running-operation polls included) is counted:
 * `callCount()` is what the ARM-load benchmark (bench/azure-tracking.ts) measures.
 */
import { getClient, type Client, type PathUncheckedResponse, type ResourceMethods, type StreamableMethod } from '@azure-rest/core-client';
import https from 'node:https';
import type { TokenCredential } from '@azure/core-auth';
import { createHttpPoller, type LroResponse } from '@azure/core-lro';
import type { PipelinePolicy, PipelineRetryOptions, TlsSettings } from '@azure/core-rest-pipeline';
import type { AzureAutomationAccountConfig, Config } from '../../config.js';
import { ArmError, errorFromException, errorFromResponse, type ArmOperation, type ArmPermission } from './arm-errors.js';
import type {
  AzureAccount,
  AzureJob,
  AzureJobStream,
  AzureRunbook,
  AzureWorker,
  AzureWorkerGroup,
  JobCreateBody,
  RunbookCreateOrUpdateBody,
} from './arm-types.js';
import { armScope, defaultArmCredential, reportTokenFailures } from './credential.js';

export const AUTOMATION_API_VERSION = '2024-10-23';

const ACCOUNT_PATH =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Automation/automationAccounts/{automationAccountName}';

export interface AutomationClientOptions {
  account: AzureAutomationAccountConfig;
  /** Resource Manager endpoint, e.g. https://management.azure.com (tests: the local fake). */
  armEndpoint: string;
  credential: TokenCredential;
  /** Trust settings for a private CA (tests trust the local fake's certificate). */
  tlsOptions?: TlsSettings;
  /** Retry knobs of the pipeline's default retry policy (tests shorten the delays). */
  retryOptions?: PipelineRetryOptions;
  /** Delay between polls of a long-running operation when Azure sends no Retry-After. */
  lroPollIntervalMs?: number;
  /** Extra pipeline policies run once per call (e.g. dependency telemetry). */
  policies?: PipelinePolicy[];
}

interface ArmResponse<T> {
  status: number;
  headers: Record<string, string>;
  body: T;
}

interface Page<T> {
  value?: T[];
  nextLink?: string | null;
}

/**
 * Connections to Resource Manager one account's client keeps open at most. Without a cap the
 * pipeline opens a connection per request in flight: hundreds of job starts landing together
 * opened ~250 TLS connections at once, and their handshakes held up the event loop that answers
 * Teams (bench P2). Further requests wait for a free connection, which is reused (keep-alive).
 */
export const ARM_MAX_SOCKETS = 16;

/** The HTTPS agent of one client: capped, keep-alive, trusting `tls` (the pipeline ignores tlsOptions once an agent is given). */
function armAgent(tls: TlsSettings | undefined): https.Agent {
  return new https.Agent({ keepAlive: true, maxSockets: ARM_MAX_SOCKETS, ...tls });
}

export class AutomationClient {
  readonly account: AzureAutomationAccountConfig;
  private readonly rest: Client;
  private readonly origin: string;
  private readonly lroPollIntervalMs: number;
  private readonly credential: TokenCredential;
  private readonly scope: string;
  private calls = 0;

  constructor(options: AutomationClientOptions) {
    this.account = options.account;
    this.origin = new URL(options.armEndpoint).origin;
    this.lroPollIntervalMs = options.lroPollIntervalMs ?? 2000;
    this.credential = options.credential;
    this.scope = armScope(options.armEndpoint);
    const counter: PipelinePolicy = {
      name: 'switchboardArmCallCounter',
      sendRequest: (request, next) => {
        this.calls += 1;
        return next(request);
      },
    };
    this.rest = getClient(this.origin, reportTokenFailures(options.credential), {
      apiVersion: AUTOMATION_API_VERSION,
      credentials: { scopes: [this.scope] },
      agent: armAgent(options.tlsOptions),
      retryOptions: options.retryOptions,
      userAgentOptions: { userAgentPrefix: 'switchboard' },
      additionalPolicies: [
        { policy: counter, position: 'perRetry' },
        ...(options.policies ?? []).map((policy) => ({ policy, position: 'perCall' as const })),
      ],
    });
  }

  /** HTTP requests sent to Resource Manager so far, retries and poll requests included. */
  callCount(): number {
    return this.calls;
  }

  /** Whether a token for Resource Manager can be obtained now (readiness; no ARM call). */
  async canAuthenticate(): Promise<boolean> {
    try {
      return Boolean(await this.credential.getToken(this.scope));
    } catch {
      return false;
    }
  }

  // ---- jobs -------------------------------------------------------------------------------

  /** Job_Create: PUT jobs/{jobName} → 201. The job name is a GUID the caller chose, so a retry is idempotent. */
  async createJob(jobName: string, body: JobCreateBody, runbook: string): Promise<AzureJob> {
    const op = this.op(`start runbook "${runbook}"`, 'jobs');
    const response = await this.call<AzureJob>(op, () => this.at('/jobs/{jobName}', jobName).put({ body }), [200, 201]);
    return response.body;
  }

  /** Job_Get (the only way to read a job's `exception`). */
  async getJob(jobName: string): Promise<AzureJob> {
    const op = this.op(`read job ${jobName}`, 'jobs');
    return (await this.call<AzureJob>(op, () => this.at('/jobs/{jobName}', jobName).get(), [200])).body;
  }

  /** Job_ListByAutomationAccount with an OData `$filter`, following nextLink. */
  async listJobs(filter: string): Promise<AzureJob[]> {
    const op = this.op('list jobs', 'jobs');
    return this.listAll<AzureJob>(op, () => this.at('/jobs').get({ queryParameters: { $filter: filter } }));
  }

  /** Job_Stop: POST jobs/{jobName}/stop → 200. */
  async stopJob(jobName: string): Promise<void> {
    const op = this.op(`stop job ${jobName}`, 'jobs');
    await this.call(op, () => this.at('/jobs/{jobName}/stop', jobName).post(), [200, 202]);
  }

  /** JobStream_ListByJob with a `$filter` on time (summaries only), following nextLink. */
  async listJobStreams(jobName: string, filter: string): Promise<AzureJobStream[]> {
    const op = this.op(`read the output of job ${jobName}`, 'jobs');
    return this.listAll<AzureJobStream>(op, () => this.at('/jobs/{jobName}/streams', jobName).get({ queryParameters: { $filter: filter } }));
  }

  /** JobStream_Get: the full text of one stream record. */
  async getJobStream(jobName: string, jobStreamId: string): Promise<AzureJobStream> {
    const op = this.op(`read the output of job ${jobName}`, 'jobs');
    const path = '/jobs/{jobName}/streams/{jobStreamId}';
    return (await this.call<AzureJobStream>(op, () => this.at(path, jobName, jobStreamId).get(), [200])).body;
  }

  /** Job_GetOutput: the whole Output stream as text/plain. */
  async getJobOutput(jobName: string): Promise<string> {
    const op = this.op(`read the output of job ${jobName}`, 'jobs');
    const response = await this.call<unknown>(op, () => this.at('/jobs/{jobName}/output', jobName).get({ accept: 'text/plain' }), [200]);
    return typeof response.body === 'string' ? response.body : JSON.stringify(response.body ?? '');
  }

  // ---- runbooks ---------------------------------------------------------------------------

  async listRunbooks(): Promise<AzureRunbook[]> {
    return this.listAll<AzureRunbook>(this.op('list runbooks', 'runbooks-read'), () => this.at('/runbooks').get());
  }

  /** Runbook_Get: includes the parameter metadata the list leaves out. */
  async getRunbook(name: string, notFound?: () => ArmError): Promise<AzureRunbook> {
    const op = { ...this.op(`read runbook "${name}"`, 'runbooks-read'), notFound };
    return (await this.call<AzureRunbook>(op, () => this.at('/runbooks/{runbookName}', name).get(), [200])).body;
  }

  async createOrUpdateRunbook(body: RunbookCreateOrUpdateBody): Promise<AzureRunbook> {
    const op = this.op(`create or update runbook "${body.name}"`, 'runbooks-write');
    return (await this.call<AzureRunbook>(op, () => this.at('/runbooks/{runbookName}', body.name).put({ body }), [200, 201])).body;
  }

  /** RunbookDraft_ReplaceContent: the spec declares `text/powershell` for every runbook type. */
  async replaceDraftContent(name: string, content: string): Promise<void> {
    const op = this.op(`upload the draft of runbook "${name}"`, 'runbooks-write');
    const path = '/runbooks/{runbookName}/draft/content';
    await this.longRunning(op, 'PUT', path, [name], () =>
      this.at(path, name).put({ body: content, contentType: 'text/powershell' }),
    );
  }

  /** Runbook_Publish: POST → 202 + Location, polled until done. */
  async publishRunbook(name: string): Promise<void> {
    const op = this.op(`publish runbook "${name}"`, 'runbooks-write');
    const path = '/runbooks/{runbookName}/publish';
    await this.longRunning(op, 'POST', path, [name], () => this.at(path, name).post());
  }

  // ---- account and hybrid workers --------------------------------------------------------

  async getAccount(): Promise<AzureAccount> {
    const op = this.op('read the Automation account', 'runbooks-write');
    return (await this.call<AzureAccount>(op, () => this.path(ACCOUNT_PATH, ...this.accountArgs()).get(), [200])).body;
  }

  async listWorkerGroups(): Promise<AzureWorkerGroup[]> {
    const op = this.op('list Hybrid Runbook Worker groups', 'worker-groups-read');
    return this.listAll<AzureWorkerGroup>(op, () => this.at('/hybridRunbookWorkerGroups').get());
  }

  async listWorkers(group: string): Promise<AzureWorker[]> {
    const op = this.op(`list the workers of Hybrid Runbook Worker group "${group}"`, 'worker-groups-read');
    const path = '/hybridRunbookWorkerGroups/{hybridRunbookWorkerGroupName}/hybridRunbookWorkers';
    return this.listAll<AzureWorker>(op, () => this.at(path, group).get());
  }

  // ---- plumbing ---------------------------------------------------------------------------

  private op(what: string, permission: ArmPermission): ArmOperation {
    return { what, permission, account: this.account.accountName };
  }

  private accountArgs(): string[] {
    return [this.account.subscriptionId, this.account.resourceGroup, this.account.accountName];
  }

  /** A resource under the account; path parameters are URL-encoded by the client. */
  private at(suffix: string, ...args: string[]): ResourceMethods<StreamableMethod> {
    return this.path(ACCOUNT_PATH + suffix, ...this.accountArgs(), ...args);
  }

  /** pathUnchecked with runtime-built templates (its typings expect literal templates). */
  private path(template: string, ...args: string[]): ResourceMethods<StreamableMethod> {
    return (this.rest.pathUnchecked as (path: string, ...values: string[]) => ResourceMethods<StreamableMethod>)(template, ...args);
  }

  private async call<T>(op: ArmOperation, send: () => StreamableMethod<PathUncheckedResponse>, ok: number[]): Promise<ArmResponse<T>> {
    let response: PathUncheckedResponse;
    try {
      response = await send();
    } catch (error) {
      throw errorFromException(op, error, this.origin);
    }
    const status = Number(response.status);
    const headers = lowerCaseHeaders(response.headers);
    if (!ok.includes(status)) throw errorFromResponse(op, status, headers, response.body);
    return { status, headers, body: response.body as T };
  }

  /**
   * nextLink and Location are absolute URLs chosen by the server. They are followed only on the
   * configured endpoint so a bearer token is never sent to another host.
   */
  private sameOrigin(op: ArmOperation, url: string): string {
    if (new URL(url).origin !== this.origin)
      throw new ArmError(`Azure answered with a link to ${new URL(url).origin} while trying to ${op.what}; only ${this.origin} is trusted.`, 'azure_error');
    return url;
  }

  private async listAll<T>(op: ArmOperation, first: () => StreamableMethod<PathUncheckedResponse>): Promise<T[]> {
    const items: T[] = [];
    let page = (await this.call<Page<T>>(op, first, [200])).body;
    for (;;) {
      items.push(...(page.value ?? []));
      if (!page.nextLink) return items;
      const next = this.sameOrigin(op, page.nextLink);
      page = (await this.call<Page<T>>(op, () => this.path(next).get(), [200])).body;
    }
  }

  /**
   * Drives a 202 + Location operation with core-lro: it polls the Location URL, honours
   * Retry-After, and finishes on 200/201/204. Failures while polling carry the same specific
   * errors as any other call.
   */
  private async longRunning(
    op: ArmOperation,
    method: 'PUT' | 'POST',
    suffix: string,
    args: string[],
    send: () => StreamableMethod<PathUncheckedResponse>,
  ): Promise<void> {
    const toLro = (response: ArmResponse<unknown>): LroResponse => ({
      flatResponse: response.body,
      rawResponse: { statusCode: response.status, headers: response.headers, body: response.body },
    });
    const resourcePath = [this.account.subscriptionId, this.account.resourceGroup, this.account.accountName, ...args].reduce(
      (path, value) => path.replace(/\{[^}]+\}/, encodeURIComponent(value)),
      ACCOUNT_PATH + suffix,
    );
    const poller = await createHttpPoller(
      {
        requestMethod: method,
        requestPath: `${this.origin}${resourcePath}`,
        sendInitialRequest: async () => toLro(await this.call(op, send, [200, 201, 202])),
        sendPollRequest: async (url) =>
          toLro(await this.call(op, () => this.path(this.sameOrigin(op, url)).get(), [200, 201, 202, 204])),
      },
      { intervalInMs: this.lroPollIntervalMs },
    );
    await poller.pollUntilDone();
  }
}

function lowerCaseHeaders(headers: Record<string, string> | undefined): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) result[name.toLowerCase()] = value;
  return result;
}

/**
 * One client per configured account, all signing with the same credential
 * (DefaultAzureCredential unless one is given).
 */
export function createAutomationClients(
  azure: Config['executor']['azure'],
  options: Partial<Omit<AutomationClientOptions, 'account' | 'armEndpoint'>> = {},
): AutomationClient[] {
  const credential = options.credential ?? defaultArmCredential();
  return azure.accounts.map(
    (account) => new AutomationClient({ ...options, account, armEndpoint: azure.armEndpoint, credential }),
  );
}
