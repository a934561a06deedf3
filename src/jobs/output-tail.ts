import type { OutputChunk } from '../domain/job.js';
import type { Store } from '../store/store.js';

const OUTPUT_PAGE = 500;

/** A job's stored output, keeping only the last `keep` chunks when given. */
export async function readOutputTail(store: Store, jobId: string, keep = Number.POSITIVE_INFINITY): Promise<OutputChunk[]> {
  const tail: OutputChunk[] = [];
  for (let after = 0; ; ) {
    const page = await store.readOutput(jobId, after, OUTPUT_PAGE);
    tail.push(...page);
    if (tail.length > keep) tail.splice(0, tail.length - keep);
    if (page.length < OUTPUT_PAGE) return tail;
    after = page[page.length - 1].seq;
  }
}
