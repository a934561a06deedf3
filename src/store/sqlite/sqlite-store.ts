import { mkdirSync } from 'node:fs';
import path from 'node:path';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';
import type { ConversationInfo } from '../../domain/conversation.js';
import type { Job, OutputChunk } from '../../domain/job.js';
import type { Logger } from '../../logging/logger.js';
import { diffCatalog } from '../catalog-diff.js';
import { toHistoryEntry } from '../history.js';
import { leaseAvailable, newLease } from '../lease-rules.js';
import { DEFAULT_FRICTION_LIMIT, DEFAULT_HISTORY_LIMIT } from '../limits.js';
import {
  ConflictError,
  NotFoundError,
  type AuditRecord,
  type CatalogChange,
  type CatalogSnapshotEntry,
  type FormGrant,
  type FrictionItem,
  type HistoryEntry,
  type JobFilter,
  type Lease,
  type Store,
} from '../store.js';
import { limitChunkSize, type NewOutputChunk } from '../text-split.js';
import { toIsoTime } from '../time.js';
import { isUnsettled } from '../unsettled.js';
import { GroupCommit } from './group-commit.js';
import { migrate } from './migrations.js';
import { MIGRATIONS } from './schema.js';

/** How long a write waits for another process's transaction before SQLite gives up. */
const BUSY_TIMEOUT_MS = 5000;
const IN_MEMORY = ':memory:';


interface JobRow {
  data: string;
  version: number;
}

interface FormRow {
  id: string;
  runbook: string;
  user_id: string;
  conversation_key: string;
  issued_at: string;
  expires_at: string;
  job_id: string | null;
}

function isPrimaryKeyViolation(error: unknown): boolean {
  return (error as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY';
}

function toJob(row: JobRow): Job {
  return { ...(JSON.parse(row.data) as Omit<Job, 'version'>), version: row.version };
}

function toForm(row: FormRow): FormGrant {
  return {
    id: row.id,
    runbook: row.runbook,
    userId: row.user_id,
    conversationKey: row.conversation_key,
    issuedAt: row.issued_at,
    expiresAt: row.expires_at,
    ...(row.job_id === null ? {} : { jobId: row.job_id }),
  };
}

/** The job's filter and sort columns, in table order: runbook_key … created_at. */
function indexedColumns(job: Omit<Job, 'version'>): [string, string, string, string, number, string] {
  return [
    job.runbook.toLowerCase(),
    job.requester.id,
    job.conversationKey,
    job.status,
    isUnsettled(job) ? 1 : 0,
    toIsoTime(job.createdAt, 'Job createdAt'),
  ];
}

function jobData(job: Job | Omit<Job, 'version'>): string {
  const { version: _version, ...data } = job as Job;
  return JSON.stringify(data);
}

/**
 * The embedded store: one SQLite file in WAL mode, so readers never block the writer and several
 * processes on one machine can share the file. Read-modify-write operations (output sequence
 * numbers, forms, leases, catalog snapshots) run in IMMEDIATE transactions, which take the write
 * lock up front and make them atomic across processes too.
 */
export class SqliteStore implements Store {
  private db?: Database;
  private readonly statements = new Map<string, Statement>();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
  ) {}

  async init(): Promise<void> {
    if (this.db) return;
    if (this.file !== IN_MEMORY) mkdirSync(path.dirname(this.file), { recursive: true });
    const db = new BetterSqlite3(this.file);
    try {
      // The timeout first: switching to WAL needs a lock another process may briefly hold.
      db.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
      db.pragma('journal_mode = WAL');
      // In WAL mode NORMAL loses no committed transaction when the process is killed (kill -9);
      // only a power cut can drop the last few, and it saves an fsync per write.
      db.pragma('synchronous = NORMAL');
      const applied = migrate(db, MIGRATIONS);
      if (applied.length) this.logger.info({ file: this.file, migrations: applied }, 'sqlite store migrated');
      // Refreshes the planner's statistics where they are missing or stale (cheap, bounded work),
      // as SQLite recommends for long-lived connections.
      db.pragma('optimize = 0x10002');
    } catch (error) {
      db.close();
      throw error;
    }
    this.db = db;
    this.logger.info({ file: this.file }, 'sqlite store open');
  }

  async close(): Promise<void> {
    if (this.db) this.conversationWrites.flush();
    this.statements.clear();
    this.db?.pragma('optimize');
    this.db?.close();
    this.db = undefined;
  }

  async ready(): Promise<boolean> {
    try {
      return this.statement('SELECT 1 AS ok').get() !== undefined;
    } catch {
      return false;
    }
  }

  private connection(): Database {
    if (!this.db) throw new Error('The SQLite store is not open: call init() first.');
    return this.db;
  }

  /** Prepared statements are cached by their SQL; the set of distinct statements is small and fixed. */
  private statement(sql: string): Statement {
    let statement = this.statements.get(sql);
    if (!statement) {
      statement = this.connection().prepare(sql);
      this.statements.set(sql, statement);
    }
    return statement;
  }

  private immediate<T>(work: () => T): T {
    return this.connection().transaction(work).immediate();
  }

  // Jobs

  async createJob(job: Omit<Job, 'version'>): Promise<Job> {
    const stored: Job = { ...job, version: 1 };
    try {
      this.statement(
        `INSERT INTO jobs (id, runbook_key, requester_id, conversation_key, status, unsettled, created_at, version, data)
         VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)`,
      ).run(job.id, ...indexedColumns(job), jobData(job));
    } catch (error) {
      if (isPrimaryKeyViolation(error)) throw new ConflictError(`Job ${job.id} already exists.`);
      throw error;
    }
    return stored;
  }

  async updateJob(job: Job): Promise<Job> {
    const result = this.statement(
      `UPDATE jobs SET runbook_key = ?, requester_id = ?, conversation_key = ?, status = ?, unsettled = ?, created_at = ?,
         version = version + 1, data = ?
       WHERE id = ? AND version = ?`,
    ).run(...indexedColumns(job), jobData(job), job.id, job.version);
    if (result.changes === 1) return { ...job, version: job.version + 1 };
    const current = this.statement('SELECT version FROM jobs WHERE id = ?').get(job.id) as { version: number } | undefined;
    if (!current) throw new NotFoundError(`Job ${job.id} does not exist.`);
    throw new ConflictError(`Job ${job.id} was changed by someone else (stored version ${current.version}, yours ${job.version}).`);
  }

  async getJob(id: string): Promise<Job | undefined> {
    const row = this.statement('SELECT data, version FROM jobs WHERE id = ?').get(id) as JobRow | undefined;
    return row && toJob(row);
  }

  async listJobs(filter: JobFilter): Promise<Job[]> {
    if (filter.statuses?.length === 0 || filter.limit === 0) return [];
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.requesterId !== undefined) {
      where.push('requester_id = ?');
      values.push(filter.requesterId);
    }
    if (filter.conversationKey !== undefined) {
      where.push('conversation_key = ?');
      values.push(filter.conversationKey);
    }
    if (filter.runbook !== undefined) {
      where.push('runbook_key = ?');
      values.push(filter.runbook.toLowerCase());
    }
    if (filter.unsettled !== undefined) {
      // A literal, not a parameter: SQLite only uses the partial index jobs_unsettled for `unsettled = 1` as written.
      where.push(filter.unsettled ? 'unsettled = 1' : 'unsettled = 0');
    }
    if (filter.statuses) {
      // With a requester, conversation or runbook the unary + keeps SQLite on that far more
      // selective index (checking status inside it) instead of walking every job in a status.
      const column = where.length ? '+status' : 'status';
      where.push(`${column} IN (${filter.statuses.map(() => '?').join(', ')})`);
      values.push(...filter.statuses);
    }
    const sql =
      `SELECT data, version FROM jobs ${where.length ? `WHERE ${where.join(' AND ')}` : ''}` +
      ` ORDER BY created_at DESC, id LIMIT ?`;
    const rows = this.statement(sql).all(...values, filter.limit ?? -1) as JobRow[];
    return rows.map(toJob);
  }

  async history(runbook: string, limit = DEFAULT_HISTORY_LIMIT): Promise<HistoryEntry[]> {
    const rows = this.statement(
      'SELECT data, version FROM jobs WHERE runbook_key = ? ORDER BY created_at DESC, id LIMIT ?',
    ).all(runbook.toLowerCase(), limit) as JobRow[];
    return rows.map((row) => toHistoryEntry(toJob(row)));
  }

  // Output

  async appendOutput(jobId: string, chunks: NewOutputChunk[]): Promise<void> {
    const pieces = limitChunkSize(chunks);
    if (!pieces.length) return;
    const last = this.statement('SELECT COALESCE(MAX(seq), 0) AS seq FROM job_output WHERE job_id = ?');
    const insert = this.statement('INSERT INTO job_output (job_id, seq, stream, text, at) VALUES (?, ?, ?, ?, ?)');
    this.immediate(() => {
      let seq = (last.get(jobId) as { seq: number }).seq;
      for (const chunk of pieces) insert.run(jobId, ++seq, chunk.stream, chunk.text, chunk.at);
    });
  }

  async readOutput(jobId: string, afterSeq = 0, limit?: number): Promise<OutputChunk[]> {
    const rows = this.statement(
      'SELECT seq, stream, text, at FROM job_output WHERE job_id = ? AND seq > ? ORDER BY seq LIMIT ?',
    ).all(jobId, afterSeq, limit ?? -1) as Omit<OutputChunk, 'jobId'>[];
    return rows.map((row) => ({ jobId, ...row }));
  }

  // Friction

  async addFriction(item: FrictionItem): Promise<void> {
    try {
      this.statement('INSERT INTO friction (id, created_at, data) VALUES (?, ?, ?)').run(
        item.id,
        toIsoTime(item.createdAt, 'Friction createdAt'),
        JSON.stringify(item),
      );
    } catch (error) {
      if (isPrimaryKeyViolation(error)) throw new ConflictError(`Friction item ${item.id} already exists.`);
      throw error;
    }
  }

  async listFriction(limit = DEFAULT_FRICTION_LIMIT): Promise<FrictionItem[]> {
    const rows = this.statement('SELECT data FROM friction ORDER BY created_at DESC, id LIMIT ?').all(limit) as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as FrictionItem);
  }

  // Conversations

  // Every first message of a conversation saves it, many at once under load: committed together.
  private readonly conversationWrites = new GroupCommit<ConversationInfo>((conversations) =>
    this.immediate(() => {
      const upsert = this.statement('INSERT INTO conversations (key, data) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET data = excluded.data');
      for (const info of conversations) upsert.run(info.key, JSON.stringify(info));
    }),
  );

  saveConversation(info: ConversationInfo): Promise<void> {
    return this.conversationWrites.write(info.key, info);
  }

  async getConversation(key: string): Promise<ConversationInfo | undefined> {
    this.conversationWrites.flush();
    const row = this.statement('SELECT data FROM conversations WHERE key = ?').get(key) as { data: string } | undefined;
    return row && (JSON.parse(row.data) as ConversationInfo);
  }

  async listConversations(): Promise<ConversationInfo[]> {
    this.conversationWrites.flush();
    const rows = this.statement('SELECT data FROM conversations ORDER BY key').all() as { data: string }[];
    return rows.map((row) => JSON.parse(row.data) as ConversationInfo);
  }

  // Catalog

  async recordCatalog(entries: CatalogSnapshotEntry[], at: string): Promise<CatalogChange[]> {
    const stamp = toIsoTime(at, 'Catalog snapshot time');
    return this.immediate(() => {
      const rows = this.statement(
        'SELECT name, content_hash AS contentHash, synopsis, category FROM catalog_snapshot',
      ).all() as CatalogSnapshotEntry[];
      const previous = new Map(rows.map((row) => [row.name, row]));
      const changes = diffCatalog(previous, entries, stamp);
      const upsert = this.statement(
        `INSERT INTO catalog_snapshot (name, content_hash, synopsis, category) VALUES (?, ?, ?, ?)
         ON CONFLICT (name) DO UPDATE SET content_hash = excluded.content_hash, synopsis = excluded.synopsis, category = excluded.category`,
      );
      const remove = this.statement('DELETE FROM catalog_snapshot WHERE name = ?');
      const record = this.statement('INSERT INTO catalog_changes (name, change, at, synopsis, category) VALUES (?, ?, ?, ?, ?)');
      const current = new Map(entries.map((entry) => [entry.name, entry]));
      for (const change of changes) {
        const entry = current.get(change.name);
        if (entry) upsert.run(entry.name, entry.contentHash, entry.synopsis, entry.category);
        else remove.run(change.name);
        record.run(change.name, change.change, change.at, change.synopsis, change.category);
      }
      return changes;
    });
  }

  async catalogChanges(since: string): Promise<CatalogChange[]> {
    return this.statement(
      'SELECT name, change, at, synopsis, category FROM catalog_changes WHERE at >= ? ORDER BY at, seq',
    ).all(toIsoTime(since, 'since')) as CatalogChange[];
  }

  // Markers

  async getMarker(userId: string, name: string): Promise<string | undefined> {
    const row = this.statement('SELECT value FROM markers WHERE user_id = ? AND name = ?').get(userId, name) as
      | { value: string }
      | undefined;
    return row?.value;
  }

  async setMarker(userId: string, name: string, value: string): Promise<void> {
    this.statement(
      'INSERT INTO markers (user_id, name, value) VALUES (?, ?, ?) ON CONFLICT (user_id, name) DO UPDATE SET value = excluded.value',
    ).run(userId, name, value);
  }

  // Forms

  async createForm(form: FormGrant): Promise<void> {
    try {
      this.statement(
        `INSERT INTO forms (id, runbook, user_id, conversation_key, issued_at, expires_at, job_id)
         VALUES (?, ?, ?, ?, ?, ?, ?)`,
      ).run(form.id, form.runbook, form.userId, form.conversationKey, form.issuedAt, form.expiresAt, form.jobId ?? null);
    } catch (error) {
      if (isPrimaryKeyViolation(error)) throw new ConflictError(`Form ${form.id} already exists.`);
      throw error;
    }
  }

  async getForm(id: string): Promise<FormGrant | undefined> {
    const row = this.statement('SELECT * FROM forms WHERE id = ?').get(id) as FormRow | undefined;
    return row && toForm(row);
  }

  async useForm(id: string, jobId: string): Promise<string | undefined> {
    const claim = this.statement('UPDATE forms SET job_id = ? WHERE id = ? AND job_id IS NULL');
    const read = this.statement('SELECT job_id FROM forms WHERE id = ?');
    return this.immediate(() => {
      if (claim.run(jobId, id).changes === 1) return undefined;
      const row = read.get(id) as { job_id: string } | undefined;
      if (!row) throw new NotFoundError(`Form ${id} does not exist.`);
      return row.job_id;
    });
  }

  // Audit

  async appendAudit(record: AuditRecord): Promise<void> {
    const { seq: _ignored, ...data } = record;
    this.statement('INSERT INTO audit (at, job_id, data) VALUES (?, ?, ?)').run(
      toIsoTime(record.at, 'Audit record time'),
      record.jobId ?? null,
      JSON.stringify(data),
    );
  }

  async readAudit(filter: { since?: string; limit?: number; jobId?: string }): Promise<AuditRecord[]> {
    const where: string[] = [];
    const values: unknown[] = [];
    if (filter.since !== undefined) {
      where.push('at >= ?');
      values.push(toIsoTime(filter.since, 'since'));
    }
    if (filter.jobId !== undefined) {
      where.push('job_id = ?');
      values.push(filter.jobId);
    }
    const sql = `SELECT seq, data FROM audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq LIMIT ?`;
    const rows = this.statement(sql).all(...values, filter.limit ?? -1) as { seq: number; data: string }[];
    return rows.map((row) => ({ seq: row.seq, ...(JSON.parse(row.data) as AuditRecord) }));
  }

  // Leases

  async acquireLease(resource: string, owner: string, ttlMs: number, now = new Date()): Promise<Lease | undefined> {
    const lease = newLease(resource, owner, ttlMs, now);
    const read = this.statement('SELECT resource, owner, expires_at AS expiresAt FROM leases WHERE resource = ?');
    const write = this.statement(
      `INSERT INTO leases (resource, owner, expires_at) VALUES (?, ?, ?)
       ON CONFLICT (resource) DO UPDATE SET owner = excluded.owner, expires_at = excluded.expires_at`,
    );
    return this.immediate(() => {
      if (!leaseAvailable(read.get(resource) as Lease | undefined, owner, now)) return undefined;
      write.run(lease.resource, lease.owner, lease.expiresAt);
      return lease;
    });
  }

  async releaseLease(resource: string, owner: string): Promise<void> {
    this.statement('DELETE FROM leases WHERE resource = ? AND owner = ?').run(resource, owner);
  }
}
