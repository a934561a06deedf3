/**
 * A local Azure Resource Manager endpoint for Azure Automation (api-version 2024-10-23) on
 * https://127.0.0.1:<random port>, for contract, behaviour and reliability tests.
 *
 * - Documented answers: `replyWithExample(file)` queues, for the next request of that operation,
 *   the response Microsoft documents in ../shared/fixtures/azure-automation/2024-10-23 (or in
 *   fake-arm-examples.ts); `documentedRequest(file)` gives the documented request to compare
 *   with what the client actually sent.
 * - A stateful account model whose bodies have the documented shapes: runbooks (create as
 *   draft, replace draft content and publish as 202 + Location operations), jobs with scriptable
 *   lives (`job.setStatus('Running')`, `job.write('Output', 'text')`), hybrid worker groups.
 * - Every request is recorded (method, path, query incl. api-version, headers incl.
 *   Authorization, parsed body). Requests without a bearer token get 401, a wrong api-version 400,
 *   an unsupported `$filter` 400 — like ARM.
 * - Faults: `setFault({ kind: 429, times: 2 })` for scripted ones, `startFakeArm({ faults:
 *   { rate: 0.3, kinds: [429, 500, 'drop'] } })` for random ones (seeded). A fault answers before
 *   the request touches any state, as a failed ARM request does.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AccessToken, TokenCredential } from '@azure/core-auth';
import type { AzureAutomationAccountConfig } from '../../src/config.js';
import type { AutomationClientOptions } from '../../src/execution/azure/automation-client.js';
import { SPEC_EXAMPLES } from './fake-arm-examples.js';
import { FAKE_ARM_CERT, FAKE_ARM_KEY } from './fake-arm-tls.js';

export const API_VERSION = '2024-10-23';
const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const FIXTURES_DIR = path.resolve(REPO_ROOT, '../shared/fixtures/azure-automation/2024-10-23');
export const TEST_TOKEN = 'switchboard-test-token';

// ---- documented examples -------------------------------------------------------------------

export interface ArmExample {
  parameters: Record<string, unknown>;
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

const ACCOUNT_TEMPLATE =
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Automation/automationAccounts/{automationAccountName}';

/** Operation of each documented example: method and path below the account. */
const EXAMPLE_ROUTES: Record<string, { method: string; path: string }> = {
  'job/createJob.json': { method: 'PUT', path: '/jobs/{jobName}' },
  'job/getJob.json': { method: 'GET', path: '/jobs/{jobName}' },
  'job/listJobsByAutomationAccount.json': { method: 'GET', path: '/jobs' },
  'job/listJobStreamsByJob.json': { method: 'GET', path: '/jobs/{jobName}/streams' },
  'job/getJobStream.json': { method: 'GET', path: '/jobs/{jobName}/streams/{jobStreamId}' },
  'job/getJobOutput.json': { method: 'GET', path: '/jobs/{jobName}/output' },
  'runbook/listRunbooksByAutomationAccount.json': { method: 'GET', path: '/runbooks' },
  'runbook/createOrUpdateRunbook.json': { method: 'PUT', path: '/runbooks/{runbookName}' },
  'runbook/createRunbookAsDraft.json': { method: 'PUT', path: '/runbooks/{runbookName}' },
  'runbook/replaceRunbookDraftContent.json': { method: 'PUT', path: '/runbooks/{runbookName}/draft/content' },
  'runbook/publishRunbook.json': { method: 'POST', path: '/runbooks/{runbookName}/publish' },
  'getAutomationAccount.json': { method: 'GET', path: '' },
  'listHybridRunbookWorkerGroup.json': { method: 'GET', path: '/hybridRunbookWorkerGroups' },
  'listHybridRunbookWorkers.json': { method: 'GET', path: '/hybridRunbookWorkerGroups/{hybridRunbookWorkerGroupName}/hybridRunbookWorkers' },
};

export function loadExample(file: string): ArmExample {
  return SPEC_EXAMPLES[file] ?? (JSON.parse(readFileSync(path.join(FIXTURES_DIR, file), 'utf8')) as ArmExample);
}

/** The request an example documents: method, path (values filled in), api-version and body. */
export function documentedRequest(file: string): { method: string; path: string; apiVersion: string; body: unknown } {
  const example = loadExample(file);
  const route = EXAMPLE_ROUTES[file];
  const values = example.parameters;
  const filled = (ACCOUNT_TEMPLATE + route.path).replace(/\{(\w+)\}/g, (_, key: string) => String(values[key]));
  return {
    method: route.method,
    path: filled,
    apiVersion: String(values['api-version']),
    body: values.parameters ?? values.runbookContent,
  };
}

/** The account an example addresses, as Switchboard configures it. */
export function exampleAccount(file: string, name = 'docs'): AzureAutomationAccountConfig {
  const values = loadExample(file).parameters;
  return {
    name,
    subscriptionId: String(values.subscriptionId),
    resourceGroup: String(values.resourceGroupName),
    accountName: String(values.automationAccountName),
  };
}

// ---- clients and credentials ---------------------------------------------------------------

/** A TokenCredential that always returns the same token (no identity platform involved). */
export function staticTokenCredential(token = TEST_TOKEN): TokenCredential {
  return {
    async getToken(): Promise<AccessToken> {
      return { token, expiresOnTimestamp: Date.now() + 3600_000 };
    },
  };
}

/** Client options pointing at the fake: its URL, its certificate, a static token, quick retries. */
export function fakeArmClientOptions(fake: FakeArm): Omit<AutomationClientOptions, 'account'> {
  return {
    armEndpoint: fake.url,
    credential: staticTokenCredential(),
    tlsOptions: { ca: fake.ca },
    retryOptions: { maxRetries: 3, retryDelayInMs: 5, maxRetryDelayInMs: 20 },
    lroPollIntervalMs: 5,
  };
}

/**
 * What a whole bot (buildApp) needs to run on the fake with EXECUTOR=azure: the environment that
 * names the test account and endpoint, and the client options (test CA, static token) that
 * environment variables cannot carry.
 */
export function fakeArmBotSettings(fake: FakeArm, pollIntervalMs: number): {
  env: Record<string, string>;
  azureClient: Omit<AutomationClientOptions, 'account' | 'armEndpoint'>;
} {
  const { armEndpoint, ...azureClient } = fakeArmClientOptions(fake);
  const account = TEST_ACCOUNT;
  return {
    env: {
      EXECUTOR: 'azure',
      AZURE_AUTOMATION_ACCOUNTS: `${account.name}=${account.subscriptionId}/${account.resourceGroup}/${account.accountName}`,
      AZURE_ARM_ENDPOINT: armEndpoint,
      AZURE_POLL_INTERVAL_MS: String(pollIntervalMs),
    },
    azureClient,
  };
}

export const TEST_ACCOUNT: AzureAutomationAccountConfig = {
  name: 'prod',
  subscriptionId: '51766542-3ed7-4a72-a187-0c8ab644ddab',
  resourceGroup: 'mygroup',
  accountName: 'ContoseAutomationAccount',
};

// ---- model ---------------------------------------------------------------------------------

type Body = Record<string, unknown>;

/** Azure-style timestamps: 7 fractional digits, "+00:00", strictly increasing. */
class FakeClock {
  private lastMs = 0;
  private tick = 0;

  stamp(): string {
    const now = Date.now();
    if (now === this.lastMs) this.tick += 1;
    else {
      this.lastMs = now;
      this.tick = 0;
    }
    return `${new Date(now).toISOString().slice(0, 23)}${String(this.tick).padStart(4, '0')}+00:00`;
  }
}

/** Sortable form of an ISO / Azure timestamp (UTC, 7 fractional digits). */
function sortableTime(text: string): string {
  const fraction = (/\.(\d+)/.exec(text)?.[1] ?? '').padEnd(7, '0').slice(0, 7);
  const millis = Date.parse(text);
  if (!Number.isFinite(millis)) throw new Error(`not a time: ${text}`);
  return `${new Date(millis).toISOString().slice(0, 19)}.${fraction}`;
}

export interface FakeStream {
  id: string;
  time: string;
  type: 'Output' | 'Error' | 'Warning' | 'Verbose' | 'Progress' | 'Debug';
  text: string;
  summary: string | null;
  value: Record<string, unknown>;
}

export class FakeJob {
  readonly jobId = randomUUID();
  status = 'New';
  exception: string | null = null;
  readonly creationTime: string;
  startTime: string | null = null;
  endTime: string | null = null;
  lastModifiedTime: string;
  lastStatusModifiedTime: string;
  readonly streams: FakeStream[] = [];

  constructor(
    private readonly clock: FakeClock,
    readonly account: FakeAccount,
    readonly name: string,
    readonly runbook: string,
    readonly parameters: Record<string, string>,
    readonly runOn: string,
    /** Bump lastModifiedTime when output is written (Azure does not promise it; off by default). */
    private readonly touchOnOutput: boolean,
  ) {
    this.creationTime = clock.stamp();
    this.lastModifiedTime = this.creationTime;
    this.lastStatusModifiedTime = this.creationTime;
  }

  setStatus(status: string, options: { exception?: string } = {}): this {
    const now = this.clock.stamp();
    this.status = status;
    this.lastModifiedTime = now;
    this.lastStatusModifiedTime = now;
    if (status === 'Running' && !this.startTime) this.startTime = now;
    if (['Completed', 'Failed', 'Stopped'].includes(status)) this.endTime = now;
    if (options.exception !== undefined) this.exception = options.exception;
    return this;
  }

  write(type: FakeStream['type'], text: string, options: { summary?: string; value?: Record<string, unknown> } = {}): FakeStream {
    const time = this.clock.stamp();
    const sequence = String(this.streams.length + 1).padStart(20, '0');
    const stream: FakeStream = {
      id: `${this.jobId}_${sortableTime(time).replace(/\D/g, '')}_${sequence}`,
      time,
      type,
      text,
      summary: options.summary ?? null,
      value: options.value ?? {},
    };
    this.streams.push(stream);
    if (this.touchOnOutput) this.lastModifiedTime = time;
    return stream;
  }

  /** The job's own resource id (also the base of its streams' ids). */
  resourceId(): string {
    return `${this.account.resourceId()}/jobs/${this.name}`;
  }
}

export interface FakeRunbook {
  name: string;
  runbookType: string;
  state: 'New' | 'Edit' | 'Published';
  parameters: Record<string, { type?: string; isMandatory?: boolean; position?: number; defaultValue?: string }>;
  tags: Record<string, string>;
  description?: string;
  location: string;
  logVerbose: boolean;
  logProgress: boolean;
  creationTime: string;
  lastModifiedTime: string;
  draftContent?: string;
  publishedContent?: string;
}

export class FakeAccount {
  location = 'East US 2';
  readonly runbooks = new Map<string, FakeRunbook>();
  readonly jobs = new Map<string, FakeJob>();
  /** Worker group name → worker names. */
  readonly workerGroups = new Map<string, string[]>();

  constructor(
    private readonly clock: FakeClock,
    readonly subscriptionId: string,
    readonly resourceGroup: string,
    readonly name: string,
  ) {}

  resourceId(): string {
    return `/subscriptions/${this.subscriptionId}/resourceGroups/${this.resourceGroup}/providers/Microsoft.Automation/automationAccounts/${this.name}`;
  }

  addRunbook(runbook: Partial<FakeRunbook> & { name: string }): FakeRunbook {
    const now = this.clock.stamp();
    const full: FakeRunbook = {
      runbookType: 'PowerShell72',
      state: 'Published',
      parameters: {},
      tags: {},
      location: this.location,
      logVerbose: false,
      logProgress: false,
      creationTime: now,
      lastModifiedTime: now,
      ...runbook,
    };
    this.runbooks.set(runbook.name.toLowerCase(), full);
    return full;
  }

  touch(runbook: FakeRunbook): void {
    runbook.lastModifiedTime = this.clock.stamp();
  }

  addWorkerGroup(name: string, workers: string[]): void {
    this.workerGroups.set(name, workers);
  }

  job(name: string): FakeJob {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`no job ${name} in fake account ${this.name}`);
    return job;
  }
}

// ---- faults --------------------------------------------------------------------------------

/**
 * 'drop' closes the connection before the request is handled; 'drop-after' handles it (state
 * changes happen) and then closes the connection without answering — the lost-response case.
 */
export type ArmFaultKind = 401 | 403 | 404 | 409 | 429 | 500 | 503 | 'drop' | 'drop-after';

export interface ArmFaultRule {
  kind: ArmFaultKind;
  /** How many matching requests fail (default 1; Infinity for all). */
  times?: number;
  /** Only requests this accepts fail (default: all). */
  when?: (request: RecordedArmRequest) => boolean;
  /** Retry-After for 429/503 (default 1 s). */
  retryAfterSeconds?: number;
}

export interface RandomArmFaults {
  /** Probability that a request fails, 0..1. */
  rate: number;
  kinds: ArmFaultKind[];
  /** PRNG seed, for reproducible runs (default 1). */
  seed?: number;
  /** Retry-After for 429/503 (default 0 s). */
  retryAfterSeconds?: number;
  when?: (request: RecordedArmRequest) => boolean;
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function armAction(request: RecordedArmRequest): string {
  const below = request.path.replace(/^.*\/automationAccounts\/[^/]+/i, '');
  const types = below.split('/').filter((_, index) => index % 2 === 1);
  const verb = request.method === 'GET' ? 'read' : request.method === 'POST' ? `${types.pop() ?? 'action'}/action` : 'write';
  return ['Microsoft.Automation/automationAccounts', ...types, verb].join('/');
}

const FAULT_BODIES: Record<Exclude<ArmFaultKind, 'drop' | 'drop-after'>, (request: RecordedArmRequest) => Body> = {
  401: () => ({ error: { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' } }),
  403: (request) => ({
    error: {
      code: 'AuthorizationFailed',
      message: `The client 'switchboard-test' with object id '00000000-0000-0000-0000-000000000001' does not have authorization to perform action '${armAction(request)}' over scope '${request.path}' or the scope is invalid.`,
    },
  }),
  404: (request) => ({ error: { code: 'ResourceNotFound', message: `The Resource '${request.path}' was not found.` } }),
  409: () => ({ error: { code: 'Conflict', message: 'The request conflicts with the current state of the resource.' } }),
  429: () => ({ error: { code: 'TooManyRequests', message: 'The request is being throttled.' } }),
  500: () => ({ error: { code: 'InternalServerError', message: 'Encountered internal server error.' } }),
  503: () => ({ error: { code: 'ServiceUnavailable', message: 'The service is temporarily unavailable.' } }),
};

// ---- server --------------------------------------------------------------------------------

export interface RecordedArmRequest {
  method: string;
  /** Decoded path, e.g. /subscriptions/…/jobs/5b8a… */
  path: string;
  /** Decoded query, e.g. { 'api-version': '2024-10-23', $filter: "properties/time ge …" }. */
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  /** JSON bodies parsed, others as text, undefined when empty. */
  body: unknown;
  /** The fault injected instead of an answer, if any. */
  fault?: ArmFaultKind;
  /** When the fake received it (epoch ms). */
  at: number;
}

interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface FakeArmOptions {
  /** Random fault injection (reliability tests). */
  faults?: RandomArmFaults;
  /** Items per page of list answers before a nextLink (default 100). */
  pageSize?: number;
  /** 202 answers a long-running operation gives before it completes (default 1). */
  lroPolls?: number;
  /** Jobs bump lastModifiedTime when they write output (default false). */
  touchJobOnOutput?: boolean;
}

export interface FakeArm {
  /** https://127.0.0.1:<port> */
  url: string;
  /** PEM certificate to trust (tlsOptions.ca). */
  ca: string;
  requests: RecordedArmRequest[];
  /** The account model for an account name (created on first use with the given ids). */
  account(config?: AzureAutomationAccountConfig): FakeAccount;
  /** Every job created so far, in every account. */
  readonly jobs: FakeJob[];
  /** Resolves with the next job created through the API. */
  nextJob(): Promise<FakeJob>;
  /** Called for every job created through the API (script its life here). */
  onJobCreated(handler: ((job: FakeJob) => void) | undefined): void;
  /** Answer the next request of a documented operation with the documented response. */
  replyWithExample(file: string, status?: string): void;
  setFault(rule: ArmFaultRule | undefined): void;
  setRandomFaults(faults: RandomArmFaults | undefined): void;
  close(): Promise<void>;
}

class ArmRequestError extends Error {
  constructor(readonly reply: Reply) {
    super(`ARM ${reply.status}`);
  }
}

function fail(status: number, code: string, message: string): never {
  throw new ArmRequestError({ status, body: { error: { code, message } } });
}

/** Resource paths below an account the fake serves ('*' is a name). */
const ROUTES = [
  '',
  'jobs',
  'jobs/*',
  'jobs/*/stop',
  'jobs/*/streams',
  'jobs/*/streams/*',
  'jobs/*/output',
  'runbooks',
  'runbooks/*',
  'runbooks/*/draft/content',
  'runbooks/*/publish',
  'runbooks/*/draft/content/operationResults/*',
  'runbooks/*/publish/operationResults/*',
  'hybridRunbookWorkerGroups',
  'hybridRunbookWorkerGroups/*/hybridRunbookWorkers',
];

/** The OData subset ARM supports on these collections: `properties/x op value [and …]`. */
function matchesFilter(filter: string | undefined, fields: Record<string, string | null | undefined>): boolean {
  if (!filter) return true;
  return filter.split(/\s+and\s+/i).every((clause) => {
    const match = /^properties\/(\w+(?:\/\w+)?)\s+(eq|ne|ge|gt|le|lt)\s+(.+)$/i.exec(clause.trim());
    if (!match) fail(400, 'BadRequest', `Invalid $filter clause: ${clause}`);
    const [, field, op, rawValue] = match;
    const actual = fields[field];
    if (actual === undefined) fail(400, 'BadRequest', `Unsupported $filter property: ${field}`);
    const quoted = /^'(.*)'$/.exec(rawValue.trim());
    let left = actual ?? '';
    let right = quoted ? quoted[1] : rawValue.trim();
    if (!quoted) {
      if (!Number.isFinite(Date.parse(right))) fail(400, 'BadRequest', `Invalid datetime in $filter: ${right}`);
      left = left ? sortableTime(left) : '';
      right = sortableTime(right);
    }
    const order = left < right ? -1 : left > right ? 1 : 0;
    return { eq: order === 0, ne: order !== 0, ge: order >= 0, gt: order > 0, le: order <= 0, lt: order < 0 }[op.toLowerCase() as 'eq'];
  });
}

export async function startFakeArm(options: FakeArmOptions = {}): Promise<FakeArm> {
  const clock = new FakeClock();
  const accounts = new Map<string, FakeAccount>();
  const requests: RecordedArmRequest[] = [];
  const scripted: { method: string; path: string; reply: Reply }[] = [];
  const operations = new Map<string, { polls: number; complete: () => void }>();
  const jobWaiters: ((job: FakeJob) => void)[] = [];
  const pageSize = options.pageSize ?? 100;
  let onJobCreated: ((job: FakeJob) => void) | undefined;
  let rule: (ArmFaultRule & { left: number }) | undefined;
  let random: (RandomArmFaults & { next: () => number }) | undefined;
  let origin = '';

  const setRandomFaults = (faults: RandomArmFaults | undefined): void => {
    random = faults ? { ...faults, next: seededRandom(faults.seed ?? 1) } : undefined;
  };
  setRandomFaults(options.faults);

  const accountFor = (subscriptionId: string, resourceGroup: string, name: string): FakeAccount => {
    const key = name.toLowerCase();
    let account = accounts.get(key);
    if (!account) {
      account = new FakeAccount(clock, subscriptionId, resourceGroup, name);
      accounts.set(key, account);
    }
    return account;
  };

  const pickFault = (request: RecordedArmRequest): { kind: ArmFaultKind; retryAfter: number } | undefined => {
    if (rule && rule.left > 0 && (!rule.when || rule.when(request))) {
      rule.left -= 1;
      return { kind: rule.kind, retryAfter: rule.retryAfterSeconds ?? 1 };
    }
    if (random && (!random.when || random.when(request)) && random.next() < random.rate) {
      const kind = random.kinds[Math.floor(random.next() * random.kinds.length)];
      return { kind, retryAfter: random.retryAfterSeconds ?? 0 };
    }
    return undefined;
  };

  const page = (items: unknown[], request: RecordedArmRequest): Body => {
    const start = Number(request.query.$skiptoken ?? 0);
    const value = items.slice(start, start + pageSize);
    let nextLink: string | null = null;
    if (start + pageSize < items.length) {
      const query = new URLSearchParams({ ...request.query, $skiptoken: String(start + pageSize) });
      nextLink = `${origin}${request.path}?${query.toString()}`;
    }
    return { value, nextLink };
  };

  const jobBody = (job: FakeJob): Body => ({
    id: job.resourceId(),
    name: job.name,
    type: 'Microsoft.Automation/AutomationAccounts/Jobs',
    properties: {
      jobId: job.jobId,
      runbook: { name: job.runbook },
      provisioningState: ['Completed', 'Failed', 'Stopped'].includes(job.status) ? 'Succeeded' : 'Processing',
      creationTime: job.creationTime,
      endTime: job.endTime,
      exception: job.exception,
      lastModifiedTime: job.lastModifiedTime,
      lastStatusModifiedTime: job.lastStatusModifiedTime,
      startTime: job.startTime,
      status: job.status,
      statusDetails: 'None',
      parameters: job.parameters,
      runOn: job.runOn,
      jobRuntimeEnvironment: { runtimeEnvironmentName: 'environmentName' },
    },
  });

  /** List items carry fewer fields than a GET (documented list shape): no exception, parameters, runOn. */
  const LIST_FIELDS = ['jobId', 'runbook', 'provisioningState', 'status', 'creationTime', 'startTime', 'lastModifiedTime', 'endTime', 'jobRuntimeEnvironment'];
  const jobListItem = (job: FakeJob): Body => {
    const full = jobBody(job);
    const properties = full.properties as Body;
    return { ...full, properties: Object.fromEntries(LIST_FIELDS.map((field) => [field, properties[field]])) };
  };

  const streamListItem = (job: FakeJob, stream: FakeStream): Body => ({
    id: `${job.resourceId()}/streams/${stream.id}`,
    properties: { jobStreamId: stream.id, summary: stream.summary, time: stream.time, streamType: stream.type },
  });

  const runbookBody = (account: FakeAccount, runbook: FakeRunbook): Body => ({
    name: runbook.name,
    type: 'Microsoft.Automation/AutomationAccounts/Runbooks',
    etag: `"${sortableTime(runbook.lastModifiedTime).replace(/\D/g, '')}"`,
    id: `${account.resourceId()}/runbooks/${runbook.name}`,
    location: runbook.location,
    properties: {
      description: runbook.description,
      creationTime: runbook.creationTime,
      jobCount: [...account.jobs.values()].filter((j) => j.runbook === runbook.name).length,
      lastModifiedBy: 'switchboard-test',
      lastModifiedTime: runbook.lastModifiedTime,
      logActivityTrace: 0,
      logProgress: runbook.logProgress,
      logVerbose: runbook.logVerbose,
      outputTypes: [],
      parameters: runbook.parameters,
      provisioningState: 'Succeeded',
      runbookType: runbook.runbookType,
      state: runbook.state,
    },
    tags: runbook.tags,
  });

  const runbookListItem = (account: FakeAccount, runbook: FakeRunbook): Body => ({
    name: runbook.name,
    type: 'Microsoft.Automation/AutomationAccounts/Runbooks',
    id: `${account.resourceId()}/runbooks/${runbook.name}`,
    location: runbook.location,
    properties: {
      creationTime: runbook.creationTime,
      lastModifiedTime: runbook.lastModifiedTime,
      logActivityTrace: 1,
      logProgress: runbook.logProgress,
      logVerbose: runbook.logVerbose,
      runbookType: runbook.runbookType,
      state: runbook.state,
    },
  });

  const startOperation = (request: RecordedArmRequest, complete: () => void): Reply => {
    const id = randomUUID();
    operations.set(id, { polls: options.lroPolls ?? 1, complete });
    const query = new URLSearchParams({ 'api-version': API_VERSION });
    return { status: 202, headers: { Location: `${origin}${request.path}/operationResults/${id}?${query.toString()}` } };
  };

  const findRunbook = (account: FakeAccount, name: string): FakeRunbook =>
    account.runbooks.get(name.toLowerCase()) ?? fail(404, 'NotFound', `Runbook not found: ${name}`);

  const findJob = (account: FakeAccount, name: string): FakeJob =>
    account.jobs.get(name) ?? fail(404, 'NotFound', `Job not found: ${name}`);

  const route = (request: RecordedArmRequest): Reply => {
    const match = /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Automation\/automationAccounts\/([^/]+)(\/.*)?$/i.exec(request.path);
    if (!match) fail(404, 'InvalidResourceType', `No route for ${request.path}`);
    const account = accountFor(match[1], match[2], match[3]);
    const parts = (match[4] ?? '').split('/').filter(Boolean);
    const pattern = ROUTES.find((candidate) => {
      const segments = candidate.split('/').filter(Boolean);
      return segments.length === parts.length && segments.every((segment, i) => segment === '*' || segment.toLowerCase() === parts[i].toLowerCase());
    });
    const key = `${request.method} ${pattern ?? request.path}`;
    const body = (request.body ?? {}) as Body;
    switch (key) {
      case 'GET ':
        return {
          status: 200,
          body: { name: account.name, id: account.resourceId(), type: 'Microsoft.Automation/AutomationAccounts', location: account.location, tags: {}, properties: { sku: { name: 'Basic' }, state: 'Ok' } },
        };
      case 'GET jobs': {
        const jobs = [...account.jobs.values()].filter((job) =>
          matchesFilter(request.query.$filter, {
            lastModifiedTime: job.lastModifiedTime,
            status: job.status,
            startTime: job.startTime,
            endTime: job.endTime,
            creationTime: job.creationTime,
            'runbook/name': job.runbook,
          }),
        );
        return { status: 200, body: page(jobs.map(jobListItem), request) };
      }
      case 'PUT jobs/*': {
        const properties = (body.properties ?? {}) as { runbook?: { name?: string }; parameters?: Record<string, string>; runOn?: string };
        const runbook = findRunbook(account, properties.runbook?.name ?? '');
        if (account.jobs.has(parts[1])) fail(409, 'Conflict', `A job named ${parts[1]} already exists.`);
        const runOn = properties.runOn ?? '';
        if (runOn && ![...account.workerGroups.keys()].some((g) => g.toLowerCase() === runOn.toLowerCase()))
          fail(400, 'BadRequest', `Hybrid runbook worker group ${runOn} was not found.`);
        const job = new FakeJob(clock, account, parts[1], runbook.name, properties.parameters ?? {}, runOn, options.touchJobOnOutput ?? false);
        account.jobs.set(job.name, job);
        onJobCreated?.(job);
        jobWaiters.splice(0).forEach((resolve) => resolve(job));
        return { status: 201, body: jobBody(job) };
      }
      case 'GET jobs/*':
        return { status: 200, body: jobBody(findJob(account, parts[1])) };
      case 'POST jobs/*/stop': {
        const job = findJob(account, parts[1]);
        if (['Completed', 'Failed', 'Stopped'].includes(job.status)) fail(400, 'BadRequest', `Job ${job.name} has already finished.`);
        job.setStatus('Stopping');
        return { status: 200 };
      }
      case 'GET jobs/*/streams': {
        const job = findJob(account, parts[1]);
        const streams = job.streams.filter((s) => matchesFilter(request.query.$filter, { time: s.time, streamType: s.type }));
        return { status: 200, body: page(streams.map((s) => streamListItem(job, s)), request) };
      }
      case 'GET jobs/*/streams/*': {
        const job = findJob(account, parts[1]);
        const stream = job.streams.find((s) => s.id === parts[3]) ?? fail(404, 'NotFound', `Stream ${parts[3]} not found.`);
        return {
          status: 200,
          body: {
            id: `${job.resourceId()}/streams/${stream.id}`,
            properties: { jobStreamId: stream.id, streamText: stream.text, streamType: stream.type, summary: stream.summary, time: stream.time, value: stream.value },
          },
        };
      }
      case 'GET jobs/*/output': {
        const job = findJob(account, parts[1]);
        const text = job.streams.filter((s) => s.type === 'Output').map((s) => s.text).join('\n');
        return { status: 200, headers: { 'Content-Type': 'text/plain' }, body: text };
      }
      case 'GET runbooks':
        return { status: 200, body: page([...account.runbooks.values()].map((r) => runbookListItem(account, r)), request) };
      case 'GET runbooks/*':
        return { status: 200, body: runbookBody(account, findRunbook(account, parts[1])) };
      case 'PUT runbooks/*': {
        const properties = (body.properties ?? {}) as { runbookType?: string; description?: string; logVerbose?: boolean; logProgress?: boolean; draft?: unknown };
        if (!properties.runbookType) fail(400, 'BadRequest', 'properties.runbookType is required.');
        if (!body.location) fail(400, 'LocationRequired', 'The location property is required for this definition.');
        const existing = account.runbooks.get(parts[1].toLowerCase());
        if (existing && existing.runbookType !== properties.runbookType)
          fail(400, 'BadRequest', `The runbook type of ${existing.name} cannot be changed from ${existing.runbookType}.`);
        const runbook = existing ?? account.addRunbook({ name: parts[1], runbookType: properties.runbookType, state: 'New' });
        Object.assign(runbook, {
          tags: (body.tags as Record<string, string>) ?? {},
          description: properties.description,
          logVerbose: properties.logVerbose ?? false,
          logProgress: properties.logProgress ?? false,
          location: String(body.location),
        });
        account.touch(runbook);
        return { status: existing ? 200 : 201, body: runbookBody(account, runbook) };
      }
      case 'PUT runbooks/*/draft/content': {
        const runbook = findRunbook(account, parts[1]);
        return startOperation(request, () => {
          runbook.draftContent = String(request.body ?? '');
          if (runbook.state === 'Published') runbook.state = 'Edit';
          account.touch(runbook);
        });
      }
      case 'POST runbooks/*/publish': {
        const runbook = findRunbook(account, parts[1]);
        if (runbook.draftContent === undefined) fail(400, 'BadRequest', `Runbook ${runbook.name} has no draft to publish.`);
        return startOperation(request, () => {
          runbook.publishedContent = runbook.draftContent;
          runbook.draftContent = undefined;
          runbook.state = 'Published';
          account.touch(runbook);
        });
      }
      case 'GET runbooks/*/draft/content/operationResults/*':
      case 'GET runbooks/*/publish/operationResults/*': {
        const operation = operations.get(parts[parts.length - 1]) ?? fail(404, 'NotFound', 'Unknown operation.');
        if (operation.polls > 0) {
          operation.polls -= 1;
          return { status: 202, headers: { Location: `${origin}${request.path}?api-version=${API_VERSION}` } };
        }
        operation.complete();
        operations.delete(parts[parts.length - 1]);
        return { status: 200, body: {} };
      }
      case 'GET hybridRunbookWorkerGroups':
        return {
          status: 200,
          body: page(
            [...account.workerGroups.keys()].map((name) => ({
              id: `${account.resourceId()}/hybridRunbookWorkerGroups/${name}`,
              location: account.location,
              name,
              properties: { groupType: 'User', credential: null },
            })),
            request,
          ),
        };
      case 'GET hybridRunbookWorkerGroups/*/hybridRunbookWorkers': {
        const group = [...account.workerGroups.entries()].find(([name]) => name.toLowerCase() === parts[1].toLowerCase());
        if (!group) fail(404, 'NotFound', `Hybrid runbook worker group ${parts[1]} not found.`);
        const workers = group[1].map((workerName) => ({
          name: randomUUID(),
          type: 'Microsoft.Automation/AutomationAccounts/HybridRunbookWorkerGroups/HybridRunbookWorkers',
          id: `${account.resourceId()}/hybridRunbookWorkerGroups/${group[0]}/hybridRunbookWorkers/${workerName}`,
          properties: { workerName, workerType: 'HybridV2', ip: '10.0.0.4', lastSeenDateTime: clock.stamp() },
        }));
        return { status: 200, body: page(workers, request) };
      }
      default:
        return fail(404, 'NotFound', `The fake does not serve ${request.method} ${request.path}.`);
    }
  };

  const takeScripted = (request: RecordedArmRequest): Reply | undefined => {
    const index = scripted.findIndex((s) => s.method === request.method && s.path.toLowerCase() === request.path.toLowerCase());
    return index === -1 ? undefined : scripted.splice(index, 1)[0].reply;
  };

  const answer = (request: RecordedArmRequest): Reply => {
    try {
      if (!/^Bearer \S+$/.test(request.headers.authorization ?? ''))
        fail(401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      if (request.query['api-version'] !== API_VERSION)
        fail(400, 'InvalidApiVersionParameter', `The api-version '${request.query['api-version']}' is invalid. The supported versions include '${API_VERSION}'.`);
      return takeScripted(request) ?? route(request);
    } catch (error) {
      if (!(error instanceof ArmRequestError)) throw error;
      return error.reply;
    }
  };

  const server = https.createServer({ key: FAKE_ARM_KEY, cert: FAKE_ARM_CERT }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', origin);
      const text = Buffer.concat(chunks).toString('utf8');
      const contentType = req.headers['content-type'] ?? '';
      const request: RecordedArmRequest = {
        method: req.method ?? 'GET',
        path: decodeURIComponent(url.pathname),
        query: Object.fromEntries(url.searchParams),
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(', ') : v])),
        body: text === '' ? undefined : contentType.includes('json') ? JSON.parse(text) : text,
        at: Date.now(),
      };
      requests.push(request);
      const fault = pickFault(request);
      if (fault) {
        request.fault = fault.kind;
        if (fault.kind === 'drop-after') answer(request);
        if (fault.kind === 'drop' || fault.kind === 'drop-after') {
          req.socket.destroy();
          return;
        }
        const headers: Record<string, string> = { 'Content-Type': 'application/json' };
        if (fault.kind === 429 || fault.kind === 503) headers['Retry-After'] = String(fault.retryAfter);
        // Two statements: restify (loaded by whole-bot tests in the same process) patches
        // ServerResponse.writeHead so that it no longer returns the response.
        res.writeHead(fault.kind, headers);
        res.end(JSON.stringify(FAULT_BODIES[fault.kind](request)));
        return;
      }
      const reply = answer(request);
      const isText = typeof reply.body === 'string';
      const headers = { ...(reply.body !== undefined && !isText ? { 'Content-Type': 'application/json; charset=utf-8' } : {}), ...reply.headers };
      res.writeHead(reply.status, headers);
      res.end(reply.body === undefined ? undefined : isText ? (reply.body as string) : JSON.stringify(reply.body));
    });
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    ca: FAKE_ARM_CERT,
    requests,
    account: (config = TEST_ACCOUNT) => accountFor(config.subscriptionId, config.resourceGroup, config.accountName),
    get jobs() {
      return [...accounts.values()].flatMap((account) => [...account.jobs.values()]);
    },
    nextJob: () => new Promise((resolve) => jobWaiters.push(resolve)),
    onJobCreated: (handler) => {
      onJobCreated = handler;
    },
    replyWithExample: (file, status) => {
      const example = loadExample(file);
      const documented = documentedRequest(file);
      const code = status ?? Object.keys(example.responses).sort()[0];
      const response = example.responses[code];
      const headers = { ...(response.headers ?? {}) };
      if (headers.Location) {
        // Documented Location URLs point at management.azure.com: serve them here instead.
        const location = new URL(headers.Location);
        headers.Location = `${origin}${location.pathname}${location.search}`;
        const operationId = location.pathname.split('/').pop()!;
        operations.set(operationId, { polls: 0, complete: () => undefined });
      }
      scripted.push({ method: documented.method, path: documented.path, reply: { status: Number(code), headers, body: response.body } });
    },
    setFault: (next) => {
      rule = next ? { ...next, left: next.times ?? 1 } : undefined;
    },
    setRandomFaults,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
