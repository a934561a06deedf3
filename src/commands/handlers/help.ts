/**
 * `help` lists the commands and the runbooks the user may run here; `help <runbook>` explains one
 * runbook: its parameters, what they accept, examples and the command to run it; `help <command>`
 * shows how to write that command.
 */
import { helpCard, messageCard, runbookHelpCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import { COMMANDS, commandInfo } from '../command-list.js';
import { visible, type Request } from '../context.js';
import { requireRunbook } from '../runbook-lookup.js';

export async function helpFor(request: Request, topic: string | undefined): Promise<AdaptiveCard> {
  if (topic) {
    const command = COMMANDS.find((c) => c.name === topic.toLowerCase());
    if (command && !request.services.catalog.get(topic)) return messageCard({ title: command.usage, text: command.summary, tone: 'info', example: command.example });
    return runbookHelpCard({ runbook: await requireRunbook(request, topic, commandInfo('help')) });
  }
  return helpCard({ commands: HELP_COMMANDS, runbooks: await visible(request, request.services.catalog.list()) });
}

/** One constant list, so the help card can be found again by identity (see helpCard). */
const HELP_COMMANDS = Object.freeze(COMMANDS.map((c) => ({ usage: c.usage, description: c.summary })));
