/**
 * `help` lists the commands and the runbooks the user may run here; `help <runbook>` explains one
 * runbook: its parameters, what they accept, examples and the command to run it.
 */
import { helpCard, runbookHelpCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import { COMMANDS, commandInfo } from '../command-list.js';
import { visible, type Request } from '../context.js';
import { requireRunbook } from '../runbook-lookup.js';

export async function helpFor(request: Request, runbookName: string | undefined): Promise<AdaptiveCard> {
  if (runbookName) return runbookHelpCard({ runbook: await requireRunbook(request, runbookName, commandInfo('help')) });
  return helpCard({
    commands: COMMANDS.map((c) => ({ usage: c.usage, description: c.summary })),
    runbooks: await visible(request, request.services.catalog.list()),
  });
}
