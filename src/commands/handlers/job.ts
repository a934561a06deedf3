/** One job's card as the asking user should see it: text `job <id>` and the card's refresh. */
import type { AdaptiveCard } from '../../domain/message.js';
import type { Request } from '../context.js';
import { noSuchJob } from '../job-id.js';

export async function jobCardFor(request: Request, jobId: string): Promise<AdaptiveCard> {
  const viewed = await request.services.jobs.view(request.user, request.conversation, jobId);
  if (!viewed) throw noSuchJob(jobId);
  return viewed.card;
}
