import { fullOutputCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { Request } from '../context.js';
import { noSuchJob } from '../job-id.js';
import { mistakeCard } from '../replies.js';

/** "Show full output": one page (1-based, as the pager numbers them) of everything the job printed. */
export async function fullOutput(request: Request, jobId: string, page: number): Promise<AdaptiveCard> {
  const result = await request.services.jobs.output(request.user, request.conversation, jobId, Math.max(1, page) - 1);
  if (result.kind === 'not_found') return mistakeCard(noSuchJob(jobId));
  const shown = result.page + 1;
  return fullOutputCard({
    job: result.job,
    chunks: result.chunks,
    page: shown,
    pageSize: result.pageSize,
    // The store does not count output, so the last page known is the next one while there is more.
    totalPages: result.hasMore ? shown + 1 : shown,
  });
}
