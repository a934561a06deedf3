/**
 * Gauges of the job queue, sent as metrics on an interval: how many runs wait to start
 * (`jobs.queued`), wait for an approver (`jobs.awaitingApproval`) and run now (`jobs.running`,
 * cancelling included since the script is still going). Read from the store, so with several
 * instances on one store every instance reports the same, shared numbers.
 */
import type { Job, JobStatus } from '../domain/job.js';
import type { Logger } from '../logging/logger.js';
import type { Telemetry } from './telemetry.js';

const GAUGES: Record<string, readonly JobStatus[]> = {
  'jobs.queued': ['queued'],
  'jobs.awaitingApproval': ['pending_approval'],
  'jobs.running': ['running', 'cancelling', 'suspended'],
};

export interface JobMetricsOptions {
  listJobs: (filter: { statuses: JobStatus[] }) => Promise<Job[]>;
  telemetry: Telemetry;
  logger: Logger;
  intervalMs?: number;
}

/** Counts the jobs per gauge once and sends the metrics. */
export async function sampleJobMetrics({ listJobs, telemetry }: Pick<JobMetricsOptions, 'listJobs' | 'telemetry'>): Promise<Record<string, number>> {
  const jobs = await listJobs({ statuses: Object.values(GAUGES).flat() });
  const counts: Record<string, number> = {};
  for (const [name, statuses] of Object.entries(GAUGES)) {
    counts[name] = jobs.filter((job) => statuses.includes(job.status)).length;
    telemetry.metric(name, counts[name]);
  }
  return counts;
}

/** Samples every `intervalMs` (default one minute); returns the function that stops it. */
export function startJobMetrics(options: JobMetricsOptions): () => void {
  let busy = false;
  const timer = setInterval(() => {
    if (busy) return;
    busy = true;
    sampleJobMetrics(options)
      .catch((error: unknown) => options.logger.warn({ err: error }, 'could not sample job metrics'))
      .finally(() => (busy = false));
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return () => clearInterval(timer);
}
