/**
 * What the parts of the job layer share: its dependencies and settings, and the helpers built
 * once from them (job writer, audit trail, card delivery). JobService builds one JobLayer and
 * hands it to the parts (runs, approvals, resume).
 */
import type { Catalog } from '../catalog/catalog.js';
import { ExecutionError } from '../execution/executor.js';
import type { Logger } from '../logging/logger.js';
import type { Policy } from '../policy/policy.js';
import type { Store } from '../store/store.js';
import type { Telemetry } from '../telemetry/telemetry.js';
import { AuditTrail } from './audit-trail.js';
import { CardDelivery } from './card-delivery.js';
import { systemClock, type Clock } from './clock.js';
import type { ExecutorDirectory } from './executor-directory.js';
import type { JobCardRenderers } from './job-cards.js';
import { JobWriter } from './job-writer.js';
import type { QueuedMessenger } from './outbox.js';
import type { RequestLimiter } from './request-limiter.js';

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

export interface JobLayer {
  deps: JobServiceDeps;
  settings: JobServiceSettings;
  clock: Clock;
  log: Logger;
  writer: JobWriter;
  audit: AuditTrail;
  delivery: CardDelivery;
}

export function createJobLayer(deps: JobServiceDeps): JobLayer {
  const clock = deps.clock ?? systemClock;
  const log = deps.logger.child({ component: 'jobs' });
  const writer = new JobWriter(deps.store);
  const delivery = new CardDelivery({
    store: deps.store,
    catalog: deps.catalog,
    messenger: deps.messenger,
    render: deps.render,
    writer,
    clock,
    logger: log,
  });
  return { deps, settings: { ...DEFAULT_JOB_SETTINGS, ...deps.settings }, clock, log, writer, audit: new AuditTrail(deps.store, clock, log), delivery };
}

export function isoNow(clock: Clock): string {
  return new Date(clock.now()).toISOString();
}

/** What the user reads when an executor refuses: its message and what to do about it. */
export function describeError(error: unknown): string {
  if (error instanceof ExecutionError) return error.hint ? `${error.message} ${error.hint}` : error.message;
  return error instanceof Error ? error.message : String(error);
}
