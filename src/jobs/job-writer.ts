/**
 * Every change of a job goes through here: read, apply the change, write with the version it was
 * read at. When another writer (an executor event, a click on another instance) got there first,
 * the store refuses with ConflictError and the change is applied again to the fresh job, so
 * changes are never lost and never applied to a state they were not meant for.
 */
import type { Job } from '../domain/job.js';
import { ConflictError, NotFoundError, type Store } from '../store/store.js';

const MAX_ATTEMPTS = 10;

/** Returns the changed job, or undefined when nothing needs to change. */
export type JobChange = (current: Job) => Job | undefined;

export class JobWriter {
  constructor(private readonly store: Store) {}

  /** Applies the change to `job` (or its newest stored version on conflict); returns what is stored. */
  async change(job: Job, edit: JobChange): Promise<Job> {
    let current = job;
    for (let attempt = 1; ; attempt++) {
      const next = edit(current);
      if (!next) return current;
      try {
        return await this.store.updateJob(next);
      } catch (error) {
        if (!(error instanceof ConflictError) || attempt >= MAX_ATTEMPTS) throw error;
        const fresh = await this.store.getJob(job.id);
        if (!fresh) throw new NotFoundError(`Job ${job.id} does not exist.`);
        current = fresh;
      }
    }
  }
}
