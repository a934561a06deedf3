import { odata, type TableClient, type TableEntityResult } from '@azure/data-tables';
import type { Job } from '../../domain/job.js';
import { toHistoryEntry } from '../history.js';
import { ConflictError, NotFoundError, type HistoryEntry, type JobFilter } from '../store.js';
import { toIsoTime } from '../time.js';
import { isCurrentPointer, matchesFilter, partitionFor, pointerId, pointersFor, type JobPointer } from './job-index.js';
import { packText, unpackText } from './long-text.js';
import { encodeKey, getEntityOrUndefined, mapLimit, statusOf } from './tables.js';

const JOB_PARTITION = 'job';
/** Point reads in flight at once while resolving index pointers. */
const PARALLEL_READS = 25;
const INDEX_PAGE = 100;
/** Pointer writes in flight at once; a job has at most five pointers. */
const PARALLEL_WRITES = 5;

type Entity = TableEntityResult<Record<string, unknown>>;

function toEntity(job: Omit<Job, 'version'>, version: number) {
  const { version: _version, ...data } = job as Job;
  return {
    partitionKey: JOB_PARTITION,
    rowKey: encodeKey(job.id),
    version,
    ...packText('data', JSON.stringify(data)),
  };
}

function fromEntity(entity: Entity): Job {
  return { ...(JSON.parse(unpackText(entity, 'data')) as Omit<Job, 'version'>), version: Number(entity.version) };
}

/** Jobs on Azure Tables: see job-index.ts for the key design. */
export class AzureJobs {
  constructor(
    private readonly jobs: TableClient,
    private readonly index: TableClient,
  ) {}

  private async writePointers(pointers: JobPointer[]): Promise<void> {
    await mapLimit(pointers, PARALLEL_WRITES, (pointer) => this.index.upsertEntity({ ...pointer }, 'Replace'));
  }

  private async deletePointers(pointers: JobPointer[]): Promise<void> {
    await mapLimit(pointers, PARALLEL_WRITES, async (pointer) => {
      try {
        await this.index.deleteEntity(pointer.partitionKey, pointer.rowKey);
      } catch (error) {
        if (statusOf(error) !== 404) throw error;
      }
    });
  }

  private async read(id: string): Promise<Entity | undefined> {
    return getEntityOrUndefined(this.jobs, JOB_PARTITION, encodeKey(id));
  }

  async create(job: Omit<Job, 'version'>): Promise<Job> {
    toIsoTime(job.createdAt, 'Job createdAt');
    await this.writePointers(pointersFor(job));
    try {
      await this.jobs.createEntity(toEntity(job, 1));
    } catch (error) {
      if (statusOf(error) === 409) throw new ConflictError(`Job ${job.id} already exists.`);
      throw error;
    }
    return { ...job, version: 1 };
  }

  /**
   * Replaces the job only if nobody wrote it since version `job.version` was read: the version is
   * checked first for a clear message, the ETag makes the write itself conditional. Pointers the
   * new state needs are written before, pointers it no longer has are removed after.
   */
  async update(job: Job): Promise<Job> {
    toIsoTime(job.createdAt, 'Job createdAt');
    const stored = await this.read(job.id);
    if (!stored) throw new NotFoundError(`Job ${job.id} does not exist.`);
    const storedVersion = Number(stored.version);
    const conflict = () =>
      new ConflictError(`Job ${job.id} was changed by someone else (stored version ${storedVersion}, yours ${job.version}).`);
    if (storedVersion !== job.version) throw conflict();
    const before = pointersFor(fromEntity(stored));
    const after = pointersFor(job);
    const beforeIds = new Set(before.map(pointerId));
    const afterIds = new Set(after.map(pointerId));
    await this.writePointers(after.filter((pointer) => !beforeIds.has(pointerId(pointer))));
    try {
      await this.jobs.updateEntity(toEntity(job, job.version + 1), 'Replace', { etag: stored.etag });
    } catch (error) {
      if (statusOf(error) === 412) throw conflict();
      if (statusOf(error) === 404) throw new NotFoundError(`Job ${job.id} does not exist.`);
      throw error;
    }
    await this.deletePointers(before.filter((pointer) => !afterIds.has(pointerId(pointer))));
    return { ...job, version: job.version + 1 };
  }

  async get(id: string): Promise<Job | undefined> {
    const entity = await this.read(id);
    return entity && fromEntity(entity);
  }

  /** Walks the most selective index partition newest first, reading jobs until `limit` match. */
  async list(filter: JobFilter): Promise<Job[]> {
    const limit = filter.limit ?? Number.POSITIVE_INFINITY;
    const found: Job[] = [];
    if (filter.statuses?.length === 0 || limit <= 0) return found;
    const pointers = this.index
      .listEntities({ queryOptions: { filter: odata`PartitionKey eq ${partitionFor(filter)}` } })
      .byPage({ maxPageSize: INDEX_PAGE });
    for await (const page of pointers) {
      let start = 0;
      while (start < page.length) {
        const batch = page.slice(start, start + Math.min(PARALLEL_READS, limit - found.length));
        start += batch.length;
        const jobs = await mapLimit(batch, PARALLEL_READS, async (entity) => {
          const pointer: JobPointer = { partitionKey: entity.partitionKey!, rowKey: entity.rowKey!, jobId: String(entity.jobId) };
          const job = await this.get(pointer.jobId);
          return job && isCurrentPointer(job, pointer) && matchesFilter(job, filter) ? job : undefined;
        });
        for (const job of jobs) {
          if (!job) continue;
          found.push(job);
          if (found.length >= limit) return found;
        }
      }
    }
    return found;
  }

  async history(runbook: string, limit: number): Promise<HistoryEntry[]> {
    return (await this.list({ runbook, limit })).map(toHistoryEntry);
  }
}
