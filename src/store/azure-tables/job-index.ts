import { isFinal, type Job } from '../../domain/job.js';
import type { Store } from '../store.js';
import { encodeKey, invertedTimeKey } from './tables.js';

export type JobFilter = Parameters<Store['listJobs']>[0];

/**
 * Jobs live in one partition keyed by id, which answers `getJob` with a point read. Every other
 * access pattern ("my jobs", "recent runs here", history of a runbook, jobs still in flight, all
 * jobs newest first) reads a partition of the JobIndex table instead: one small pointer entity
 * per job and pattern, row key = inverted creation time + id, so a partition lists newest first.
 *
 * Pointers are written before the job and removed after it, so a job is always reachable through
 * its pointers; a pointer left behind by a crash or a lost race is recognised as stale (the job's
 * own keys no longer include it) and skipped.
 */
export interface JobPointer {
  partitionKey: string;
  rowKey: string;
  jobId: string;
}

const ALL = 'all';
/** Jobs not yet in a final state: what a restarted instance has to pick up again. */
const ACTIVE = 'active';

const byRequester = (id: string) => `requester:${encodeKey(id)}`;
const byConversation = (key: string) => `conversation:${encodeKey(key)}`;
const byRunbook = (name: string) => `runbook:${encodeKey(name.toLowerCase())}`;

export function pointerRowKey(job: Pick<Job, 'id' | 'createdAt'>): string {
  return `${invertedTimeKey(job.createdAt)}:${encodeKey(job.id)}`;
}

export function pointersFor(job: Omit<Job, 'version'>): JobPointer[] {
  const partitions = [ALL, byRequester(job.requester.id), byConversation(job.conversationKey), byRunbook(job.runbook)];
  if (!isFinal(job.status)) partitions.push(ACTIVE);
  const rowKey = pointerRowKey(job);
  return partitions.map((partitionKey) => ({ partitionKey, rowKey, jobId: job.id }));
}

export function pointerId(pointer: Pick<JobPointer, 'partitionKey' | 'rowKey'>): string {
  return `${pointer.partitionKey}\n${pointer.rowKey}`;
}

export function isCurrentPointer(job: Job, pointer: JobPointer): boolean {
  const wanted = pointerId(pointer);
  return pointersFor(job).some((own) => pointerId(own) === wanted);
}

/** The most selective index partition for a filter; the rest of the filter is applied to the jobs read. */
export function partitionFor(filter: JobFilter): string {
  if (filter.requesterId !== undefined) return byRequester(filter.requesterId);
  if (filter.conversationKey !== undefined) return byConversation(filter.conversationKey);
  if (filter.runbook !== undefined) return byRunbook(filter.runbook);
  if (filter.statuses?.length && filter.statuses.every((status) => !isFinal(status))) return ACTIVE;
  return ALL;
}

export function matchesFilter(job: Job, filter: JobFilter): boolean {
  return (
    (filter.requesterId === undefined || job.requester.id === filter.requesterId) &&
    (filter.conversationKey === undefined || job.conversationKey === filter.conversationKey) &&
    (filter.runbook === undefined || job.runbook.toLowerCase() === filter.runbook.toLowerCase()) &&
    (filter.statuses === undefined || filter.statuses.includes(job.status))
  );
}
