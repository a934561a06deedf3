import { isFinal, type Job } from '../domain/job.js';

/**
 * A job still needs an instance's attention until it is final and its final card was delivered.
 * Both stores index exactly these jobs, so resuming after a crash never scans the whole history.
 */
export function isUnsettled(job: Pick<Job, 'status' | 'finalCardSent'>): boolean {
  return !isFinal(job.status) || job.finalCardSent !== true;
}
