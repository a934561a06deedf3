import { Verb } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { Request } from '../context.js';
import { noSuchJob } from '../job-id.js';
import { mistakeCard, noticeCard } from '../replies.js';

/**
 * Cancels a job (text `cancel <id>`, the Cancel button). A button answers with the job card
 * itself (it replaces the card clicked); a typed `cancel` answers with a short notice, since the
 * job's one card updates in place anyway.
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
