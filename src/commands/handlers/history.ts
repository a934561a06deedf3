/** "How has this runbook been used": who ran it, when, with which values (secrets masked), outcome. */
import { historyCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import { commandInfo } from '../command-list.js';
import type { Request } from '../context.js';
import { requireRunbook } from '../runbook-lookup.js';

const ENTRIES = 15;

export async function historyFor(request: Request, runbookName: string | undefined): Promise<AdaptiveCard> {
  const runbook = await requireRunbook(request, runbookName, commandInfo('history'));
  return historyCard({ runbook, entries: await request.services.jobs.history(runbook.name, ENTRIES) });
}
