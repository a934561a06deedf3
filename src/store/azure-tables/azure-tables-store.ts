import { odata } from '@azure/data-tables';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import type { ConversationInfo } from '../../domain/conversation.js';
import type { Job, OutputChunk } from '../../domain/job.js';
import type { Logger } from '../../logging/logger.js';
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
import type { NewOutputChunk } from '../text-split.js';
import { toIsoTime } from '../time.js';
import { AzureAudit } from './audit-table.js';
import { AzureCatalog } from './catalog-table.js';
import { AzureJobs } from './jobs-table.js';
import { AzureLeases } from './leases-table.js';
import { packText, unpackText } from './long-text.js';
import { AzureOutput } from './output-table.js';
import {
  encodeKey,
  getEntityOrUndefined,
  invertedTimeKey,
  openTables,
  queryEntities,
  retryOnConflict,
  statusOf,
  TABLE_NAMES,
  type Tables,
} from './tables.js';

const FRICTION_PARTITION = 'friction';
const CONVERSATION_PARTITION = 'conversation';
const FORM_PARTITION = 'form';
/** A health probe answers promptly instead of waiting out the client's retries. */
const READY_TIMEOUT_MS = 2000;

/**
 * The store for several instances: everything lives in Azure Table Storage, and every
 * read-modify-write is made safe between instances with ETags (optimistic concurrency).
 * Jobs, output, audit, leases and the catalog have their own modules; the small record kinds
 * (friction, conversations, markers, forms) are here.
 */
export class AzureTablesStore implements Store {
  private readonly tables: Tables;
  private readonly jobs: AzureJobs;
  private readonly output: AzureOutput;
  private readonly audit: AzureAudit;
  private readonly leases: AzureLeases;
  private readonly catalog: AzureCatalog;

  constructor(
    connectionString: string,
    private readonly prefix: string,
    private readonly logger: Logger,
    /** Extra pipeline policies for every table call (dependency telemetry). */
    policies: PipelinePolicy[] = [],
  ) {
    this.tables = openTables(connectionString, prefix, policies);
    this.jobs = new AzureJobs(this.tables.Jobs, this.tables.JobIndex);
    this.output = new AzureOutput(this.tables.Output);
    this.audit = new AzureAudit(this.tables.Audit);
    this.leases = new AzureLeases(this.tables.Leases);
    this.catalog = new AzureCatalog(this.tables.Catalog);
  }

  async init(): Promise<void> {
    // createTable succeeds quietly when the table exists, so every instance may call it at start.
    await Promise.all(TABLE_NAMES.map((name) => this.tables[name].createTable()));
    this.logger.info({ tablePrefix: this.prefix, tables: TABLE_NAMES.length }, 'azure tables store ready');
  }

  /** HTTP clients hold no connection that needs closing; pending calls finish on their own. */
  async close(): Promise<void> {}

  /** One point read of a row that never exists: a 404 proves the service answers. */
  async ready(): Promise<boolean> {
    try {
      await this.tables.Jobs.getEntity('ready', 'probe', { abortSignal: AbortSignal.timeout(READY_TIMEOUT_MS) });
      return true;
    } catch (error) {
      if (statusOf(error) === 404) return true;
      this.logger.warn({ err: error }, 'azure tables store not reachable');
      return false;
    }
  }

  createJob(job: Omit<Job, 'version'>): Promise<Job> {
    return this.jobs.create(job);
  }

  updateJob(job: Job): Promise<Job> {
    return this.jobs.update(job);
  }

  getJob(id: string): Promise<Job | undefined> {
    return this.jobs.get(id);
  }

  listJobs(filter: JobFilter): Promise<Job[]> {
    return this.jobs.list(filter);
  }

  history(runbook: string, limit = DEFAULT_HISTORY_LIMIT): Promise<HistoryEntry[]> {
    return this.jobs.history(runbook, limit);
  }

  appendOutput(jobId: string, chunks: NewOutputChunk[]): Promise<void> {
    return this.output.append(jobId, chunks);
  }

  readOutput(jobId: string, afterSeq?: number, limit?: number): Promise<OutputChunk[]> {
    return this.output.read(jobId, afterSeq, limit);
  }

  // Friction: row key = inverted time + id, so the partition lists newest first.

  async addFriction(item: FrictionItem): Promise<void> {
    const rowKey = `${invertedTimeKey(toIsoTime(item.createdAt, 'Friction createdAt'))}:${encodeKey(item.id)}`;
    try {
      await this.tables.Friction.createEntity({ partitionKey: FRICTION_PARTITION, rowKey, ...packText('data', JSON.stringify(item)) });
    } catch (error) {
      if (statusOf(error) === 409) throw new ConflictError(`Friction item ${item.id} already exists.`);
      throw error;
    }
  }

  listFriction(limit = DEFAULT_FRICTION_LIMIT): Promise<FrictionItem[]> {
    return queryEntities(
      this.tables.Friction,
      odata`PartitionKey eq ${FRICTION_PARTITION}`,
      (entity) => JSON.parse(unpackText(entity, 'data')) as FrictionItem,
      limit,
    );
  }

  // Conversations: one partition, row key = conversation key.

  async saveConversation(info: ConversationInfo): Promise<void> {
    await this.tables.Conversations.upsertEntity(
      { partitionKey: CONVERSATION_PARTITION, rowKey: encodeKey(info.key), ...packText('data', JSON.stringify(info)) },
      'Replace',
    );
  }

  async getConversation(key: string): Promise<ConversationInfo | undefined> {
    const entity = await getEntityOrUndefined(this.tables.Conversations, CONVERSATION_PARTITION, encodeKey(key));
    return entity && (JSON.parse(unpackText(entity, 'data')) as ConversationInfo);
  }

  listConversations(): Promise<ConversationInfo[]> {
    return queryEntities(
      this.tables.Conversations,
      odata`PartitionKey eq ${CONVERSATION_PARTITION}`,
      (entity) => JSON.parse(unpackText(entity, 'data')) as ConversationInfo,
    );
  }

  recordCatalog(entries: CatalogSnapshotEntry[], at: string): Promise<CatalogChange[]> {
    return this.catalog.record(entries, at);
  }

  catalogChanges(since: string): Promise<CatalogChange[]> {
    return this.catalog.changes(since);
  }

  // Markers: partition = user, row key = marker name.

  async getMarker(userId: string, name: string): Promise<string | undefined> {
    const entity = await getEntityOrUndefined(this.tables.Markers, encodeKey(userId), encodeKey(name));
    return entity && String(entity.value);
  }

  async setMarker(userId: string, name: string, value: string): Promise<void> {
    await this.tables.Markers.upsertEntity({ partitionKey: encodeKey(userId), rowKey: encodeKey(name), value }, 'Replace');
  }

  // Forms: one partition, row key = form id; useForm claims the form with an ETag-conditional merge.

  async createForm(form: FormGrant): Promise<void> {
    const { jobId, ...grant } = form;
    try {
      await this.tables.Forms.createEntity({
        partitionKey: FORM_PARTITION,
        rowKey: encodeKey(form.id),
        ...grant,
        ...(jobId === undefined ? {} : { jobId }),
      });
    } catch (error) {
      if (statusOf(error) === 409) throw new ConflictError(`Form ${form.id} already exists.`);
      throw error;
    }
  }

  async getForm(id: string): Promise<FormGrant | undefined> {
    const entity = await getEntityOrUndefined(this.tables.Forms, FORM_PARTITION, encodeKey(id));
    if (!entity) return undefined;
    return {
      id: String(entity.id),
      runbook: String(entity.runbook),
      userId: String(entity.userId),
      conversationKey: String(entity.conversationKey),
      issuedAt: String(entity.issuedAt),
      expiresAt: String(entity.expiresAt),
      ...(entity.jobId === undefined ? {} : { jobId: String(entity.jobId) }),
    };
  }

  useForm(id: string, jobId: string): Promise<string | undefined> {
    const rowKey = encodeKey(id);
    // A lost race (412) is retried: the second read then sees the winner's job id and returns it.
    return retryOnConflict('use form', async () => {
      const form = await getEntityOrUndefined(this.tables.Forms, FORM_PARTITION, rowKey);
      if (!form) throw new NotFoundError(`Form ${id} does not exist.`);
      if (form.jobId !== undefined) return String(form.jobId);
      await this.tables.Forms.updateEntity({ partitionKey: FORM_PARTITION, rowKey, jobId }, 'Merge', { etag: form.etag });
      return undefined;
    });
  }

  appendAudit(record: AuditRecord): Promise<void> {
    return this.audit.append(record);
  }

  readAudit(filter: { since?: string; limit?: number; jobId?: string }): Promise<AuditRecord[]> {
    return this.audit.read(filter);
  }

  acquireLease(resource: string, owner: string, ttlMs: number, now = new Date()): Promise<Lease | undefined> {
    return this.leases.acquire(resource, owner, ttlMs, now);
  }

  releaseLease(resource: string, owner: string): Promise<void> {
    return this.leases.release(resource, owner);
  }
}
