/**
 * One job: its card as the asking user should see it (text `job <id>`, the card's refresh), its
 * cancellation (text `cancel <id>`, the Cancel button), approval decisions, and its full output.
 */
import { fullOutputCard, Verb } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { Request } from '../context.js';
import { noSuchJob } from '../job-id.js';
import { mistakeCard, noticeCard } from '../replies.js';

export async function jobCardFor(request: Request, jobId: string): Promise<AdaptiveCard> {
  const viewed = await request.services.jobs.view(request.user, request.conversation, jobId);
  if (!viewed) throw noSuchJob(jobId);
  return viewed.card;
}

/**
 * Cancels a job. A button answers with the job card itself (it replaces the card clicked); a
 * typed `cancel` answers with a short notice, since the job's one card updates in place anyway.
 */
export async function cancelJob(request: Request, jobId: string, answer: 'card' | 'notice'): Promise<AdaptiveCard> {
  const result = await request.services.jobs.cancel(request.user, request.conversation, jobId);
  switch (result.kind) {
    case 'cancelling':
    case 'cancelled':
    case 'already_final':
      if (answer === 'card') return result.card;
      return noticeCard(
        'info',
        result.kind === 'already_final' ? `Job ${jobId} had already ended (${result.job.status.replace('_', ' ')}).` : `Cancelling job ${jobId}.`,
        `Its card shows the outcome.`,
        [{ title: 'Show the job', verb: Verb.refreshJob, data: { jobId } }],
      );
    case 'forbidden':
      return noticeCard('error', `You cannot cancel job ${jobId}.`, result.reason);
    case 'not_found':
      return mistakeCard(noSuchJob(jobId));
  }
}

export async function decideJob(request: Request, jobId: string, decision: 'approve' | 'reject'): Promise<AdaptiveCard> {
  const { jobs } = request.services;
  const result = await (decision === 'approve' ? jobs.approve : jobs.reject).call(jobs, request.user, request.conversation, jobId);
  switch (result.kind) {
    case 'approved':
    case 'rejected':
    case 'expired':
      return result.card;
    case 'not_found':
      return mistakeCard(noSuchJob(jobId));
    default:
      return noticeCard('warning', `Job ${jobId} was not ${decision === 'approve' ? 'approved' : 'rejected'}.`, result.reason, [
        { title: 'Show the job', verb: Verb.refreshJob, data: { jobId } },
      ]);
  }
}

/** One page (1-based, as the pager numbers them) of everything the job printed. */
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
