import type { ConversationInfo } from '../domain/conversation.js';
import type { Job, JobStatus, OutputChunk, Principal } from '../domain/job.js';


/** One row of "how has this runbook been used". Parameters are already masked. */
export interface HistoryEntry {
  jobId: string;
  runbook: string;
  requester: Principal;
  parameters: Job['parameters'];
  status: JobStatus;
  conversationKey: string;
  createdAt: string;
  endedAt?: string;
}

export interface FrictionItem {
  id: string;
  text: string;
  reporter: Principal;
  conversationKey: string;
  jobId?: string;
  runbook?: string;
  createdAt: string;
}

/** A catalog snapshot entry: enough to tell what was added, changed or removed, and when. */
export interface CatalogSnapshotEntry {
  name: string;
  contentHash: string;
  synopsis: string;
  category: string;
}

export interface CatalogChange {
  name: string;
  change: 'added' | 'changed' | 'removed';
  at: string;
  synopsis: string;
  category: string;
}

export interface AuditRecord {
  /** Assigned by the store: monotonically increasing within one store. */
  seq?: number;
  at: string;
  /** e.g. run.requested, policy.decision, approval.approved, job.started, job.cancelled, job.finished, request.refused */
  action: string;
  actor?: Principal;
  jobId?: string;
  runbook?: string;
  conversationKey?: string;
  /** Rule id or reason that decided; never parameter values of secret parameters. */
  detail?: Record<string, unknown>;
}

/**
 * A form the server handed to one user for one runbook. Card submits carry only the form id;
 * what runs, for whom and where is taken from here, never from the card.
 */
export interface FormGrant {
  id: string;
  runbook: string;
  userId: string;
  conversationKey: string;
  issuedAt: string;
  expiresAt: string;
  /** Set once a submit used the form; a second submit is answered with this job. */
  jobId?: string;
}

export interface Lease {
  /** What is leased, e.g. `job:4k2x`. */
  resource: string;
  owner: string;
  expiresAt: string;
}

/** What `listJobs` selects: every given condition must hold; results are newest first. */
export interface JobFilter {
  requesterId?: string;
  conversationKey?: string;
  statuses?: JobStatus[];
  runbook?: string;
  /**
   * true: only jobs a restarted instance must pick up again (not final, or final but the final
   * card not yet delivered: finalCardSent not true); false: only the other jobs.
   */
  unsettled?: boolean;
  limit?: number;
}

/** Thrown by updateJob when the stored version differs from the expected one. */
export class ConflictError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConflictError';
  }
}

/** Thrown when a job id is unknown. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/**
 * Persistence for everything Switchboard remembers. Two implementations share one contract test
 * suite: SQLite (embedded default) and Azure Table Storage (several instances).
 * All methods are async so both backends fit.
 */
export interface Store {
  /** Creates tables / runs migrations. Idempotent. */
  init(): Promise<void>;
  close(): Promise<void>;
  ready(): Promise<boolean>;

  // Jobs. createJob stores version 1; updateJob succeeds only if job.version matches the stored
  // version, and stores version+1 (returned).
  createJob(job: Omit<Job, 'version'>): Promise<Job>;
  updateJob(job: Job): Promise<Job>;
  getJob(id: string): Promise<Job | undefined>;
  listJobs(filter: JobFilter): Promise<Job[]>;

  // Output of a job, in seq order. appendOutput assigns seq.
  appendOutput(jobId: string, chunks: Omit<OutputChunk, 'jobId' | 'seq'>[]): Promise<void>;
  readOutput(jobId: string, afterSeq?: number, limit?: number): Promise<OutputChunk[]>;

  // History: derived from jobs, newest first.
  history(runbook: string, limit?: number): Promise<HistoryEntry[]>;

  // Friction log.
  addFriction(item: FrictionItem): Promise<void>;
  listFriction(limit?: number): Promise<FrictionItem[]>;

  // Conversation references for proactive messages.
  saveConversation(info: ConversationInfo): Promise<void>;
  getConversation(key: string): Promise<ConversationInfo | undefined>;
  listConversations(): Promise<ConversationInfo[]>;

  /**
   * Catalog snapshots: records the current catalog; returns the changes against the previous
   * snapshot (empty when nothing changed). Changes are kept so `new` can list them since a date.
   */
  recordCatalog(entries: CatalogSnapshotEntry[], at: string): Promise<CatalogChange[]>;
  catalogChanges(since: string): Promise<CatalogChange[]>;

  // Per-user "last asked" markers (for `new` since you last asked).
  getMarker(userId: string, name: string): Promise<string | undefined>;
  setMarker(userId: string, name: string, value: string): Promise<void>;

  // Forms handed out (tamper-proof submits).
  createForm(form: FormGrant): Promise<void>;
  getForm(id: string): Promise<FormGrant | undefined>;
  /**
   * Atomically binds a job to an unused form. Returns undefined on success, or the job id that
   * already used it (double click / replay).
   */
  useForm(id: string, jobId: string): Promise<string | undefined>;

  // Append-only audit log.
  appendAudit(record: AuditRecord): Promise<void>;
  readAudit(filter: { since?: string; limit?: number; jobId?: string }): Promise<AuditRecord[]>;

  /**
   * Leases with optimistic concurrency: acquire succeeds if there is no lease, it expired, or the
   * owner already holds it (renewal). Returns the lease or undefined if someone else holds it.
   */
  acquireLease(resource: string, owner: string, ttlMs: number, now?: Date): Promise<Lease | undefined>;
  releaseLease(resource: string, owner: string): Promise<void>;
}

