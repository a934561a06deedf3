/**
 * Lists of jobs: the asking user's own (text `jobs`, "My jobs") and the recent runs in this
 * conversation ("Recent runs here").
 */
import { jobsListCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { Request } from '../context.js';

const LISTED = 15;

export async function myJobs(request: Request): Promise<AdaptiveCard> {
  const jobs = await request.services.jobs.listJobs({ requesterId: request.user.id, limit: LISTED });
  return jobsListCard({ title: '🗂️ Your recent jobs', jobs });
}

export async function recentHere(request: Request): Promise<AdaptiveCard> {
  const jobs = await request.services.jobs.listJobs({ conversationKey: request.conversation.key, limit: LISTED });
  return jobsListCard({ title: '🗂️ Recent runs here', jobs });
}
