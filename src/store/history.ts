import type { Job } from '../domain/job.js';
import type { HistoryEntry } from './store.js';

/** The part of a job that "how has this runbook been used" shows. Parameters are stored masked. */
export function toHistoryEntry(job: Job): HistoryEntry {
  return {
    jobId: job.id,
    runbook: job.runbook,
    requester: job.requester,
    parameters: job.parameters,
    status: job.status,
    conversationKey: job.conversationKey,
    createdAt: job.createdAt,
    ...(job.endedAt === undefined ? {} : { endedAt: job.endedAt }),
  };
}
