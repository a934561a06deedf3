import { isFinal, type Job } from '../../domain/job.js';
import type { JobFilter } from '../store.js';
import { isUnsettled } from '../unsettled.js';
import { encodeKey, invertedTimeKey } from './tables.js';

/**
 * Jobs live in one partition keyed by id, which answers `getJob` with a point read. Every other
 * access pattern ("my jobs", "recent runs here", history of a runbook, unsettled jobs to resume,
 * all jobs newest first) reads a partition of the JobIndex table instead: one small pointer entity
 * per job and pattern, row key = inverted creation time + id, so a partition lists newest first.
 *
 * Pointers are written before the job and removed after it, so a job is always reachable through
 * its pointers; a pointer left behind by a crash or a lost race is recognised as stale (the job's
 * own keys no longer include it) and skipped. Only the `unsettled` pointer comes and goes with
 * the job's state; requester, conversation, runbook and creation time normally never change.
 */
export interface JobPointer {
  partitionKey: string;
  rowKey: string;
  jobId: string;
}

const ALL = 'all';
/** Jobs still needing attention (see unsettled.ts): what a restarted instance picks up again. */
const UNSETTLED = 'unsettled';

const byRequester = (id: string) => `requester:${encodeKey(id)}`;
const byConversation = (key: string) => `conversation:${encodeKey(key)}`;
const byRunbook = (name: string) => `runbook:${encodeKey(name.toLowerCase())}`;

export function pointerRowKey(job: Pick<Job, 'id' | 'createdAt'>): string {
  return `${invertedTimeKey(job.createdAt)}:${encodeKey(job.id)}`;
}

export function pointersFor(job: Omit<Job, 'version'>): JobPointer[] {
  const partitions = [ALL, byRequester(job.requester.id), byConversation(job.conversationKey), byRunbook(job.runbook)];
  if (isUnsettled(job)) partitions.push(UNSETTLED);
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
  // Every job that is not final is unsettled, so that partition also serves in-flight status filters.
  if (filter.unsettled === true || (filter.statuses?.length && filter.statuses.every((status) => !isFinal(status)))) return UNSETTLED;
  return ALL;
}

export function matchesFilter(job: Job, filter: JobFilter): boolean {
  return (
    (filter.requesterId === undefined || job.requester.id === filter.requesterId) &&
    (filter.conversationKey === undefined || job.conversationKey === filter.conversationKey) &&
    (filter.runbook === undefined || job.runbook.toLowerCase() === filter.runbook.toLowerCase()) &&
    (filter.statuses === undefined || filter.statuses.includes(job.status)) &&
    (filter.unsettled === undefined || filter.unsettled === isUnsettled(job))
  );
}
