import type { ParameterValue, RunTarget } from './runbook.js';

/**
 * Product job states. Executors map their own statuses onto these (e.g. Azure's
 * New/Activating → queued, Stopping → cancelling).
 */
export type JobStatus =
  | 'pending_approval'
  | 'queued'
  | 'running'
  | 'suspended'
  | 'cancelling'
  | 'completed'
  | 'failed'
  | 'cancelled'
  | 'timed_out'
  | 'rejected'
  | 'lost';

export const FINAL_STATUSES: ReadonlySet<JobStatus> = new Set([
  'completed',
  'failed',
  'cancelled',
  'timed_out',
  'rejected',
  'lost',
]);

export function isFinal(status: JobStatus): boolean {
  return FINAL_STATUSES.has(status);
}

/** Who asked. `id` is the Teams/Bot Framework user id; aadObjectId when Teams supplies it. */
export interface Principal {
  id: string;
  name: string;
  aadObjectId?: string;
  upn?: string;
  tenantId?: string;
}

/**
 * Same person: the Teams user id, or the Entra (AAD) object id when both sides carry one.
 * Object ids are GUIDs, so they compare case-insensitively.
 */
export function samePerson(a: Principal, b: Principal): boolean {
  if (a.id === b.id) return true;
  return Boolean(a.aadObjectId && b.aadObjectId && a.aadObjectId.toLowerCase() === b.aadObjectId.toLowerCase());
}

export interface Job {
  /** Short id users type: `job 4k2x`, `cancel 4k2x`. */
  id: string;
  runbook: string;
  /** Parameters with secret values replaced by MASK. Secrets are never persisted. */
  parameters: Record<string, ParameterValue>;
  requester: Principal;
  /** Key of the stored ConversationReference the job card lives in. */
  conversationKey: string;
  /** Id of the job card activity, once posted, so it can be updated in place. */
  cardActivityId?: string;
  target: RunTarget;
  /** Executor name, e.g. 'local' or 'azure:prod-account'. */
  executor: string;
  executorJobId?: string;
  status: JobStatus;
  /** Executor-native status text (e.g. Azure's "Activating"), shown on the card. */
  executorStatus?: string;
  createdAt: string;
  startedAt?: string;
  endedAt?: string;
  exitCode?: number;
  /** Failure text (exception of a failed Azure job, error of a local process, ...). */
  error?: string;
  /** Last reported progress, 0..100, when the script reports it. */
  progress?: number;
  progressText?: string;
  approvals?: ApprovalRecord[];
  /**
   * What the policy asked for when the run needs approval, kept with the job so any instance can
   * decide on it later (and after a restart).
   */
  approval?: ApprovalRule;
  /** Set once the final card was delivered, so a restarted or second instance never posts it twice. */
  finalCardSent?: boolean;
  /** Optimistic concurrency version, incremented on every write. */
  version: number;
}

export interface ApprovalRule {
  /** Id of the policy rule that asked for approval. */
  rule: string;
  /** Distinct approvers needed. */
  count: number;
  /** Groups whose members may approve (empty: anyone the policy allows to run it there). */
  groups: string[];
  /** After this the request is rejected as expired. */
  expiresAt: string;
}

export interface ApprovalRecord {
  by: Principal;
  decision: 'approved' | 'rejected';
  at: string;
  comment?: string;
}

export type OutputStream = 'output' | 'error' | 'warning' | 'progress' | 'verbose';

export interface OutputChunk {
  jobId: string;
  /** Monotonic per job, starting at 1. */
  seq: number;
  stream: OutputStream;
  text: string;
  at: string;
}

export const SECRET_MASK = '••••••';
