/** Approve / Reject on an approval card; the job service decides who may and records it. */
import { Verb } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { Request } from '../context.js';
import { noSuchJob } from '../job-id.js';
import { mistakeCard, noticeCard } from '../replies.js';

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
