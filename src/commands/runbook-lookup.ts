/**
 * Finding the runbook a command names. A runbook the user may not see here is answered exactly
 * like one that does not exist, so names of restricted runbooks do not leak; suggestions come
 * from the catalog's own "closest names" and are filtered the same way.
 */
import type { RunbookDefinition } from '../domain/runbook.js';
import type { CommandInfo } from './command-list.js';
import { visible, type Request } from './context.js';
import { CommandMistake } from './mistake.js';

const SUGGESTIONS_CONSIDERED = 10;
const SUGGESTIONS_SHOWN = 3;

export async function requireRunbook(request: Request, name: string | undefined, command: CommandInfo): Promise<RunbookDefinition> {
  if (!name)
    throw new CommandMistake(`${command.name} needs the name of a runbook.`, `Write ${command.usage}; search <words> finds names.`, command.example);
  const { catalog, policy } = request.services;
  const runbook = catalog.get(name);
  if (runbook && (await policy.canSee(request.user, runbook, request.place))) return runbook;
  throw unknownRunbook(name, await visibleSuggestions(request, name), command);
}

export async function visibleSuggestions(request: Request, name: string): Promise<string[]> {
  const { catalog } = request.services;
  const candidates = catalog
    .suggest(name, SUGGESTIONS_CONSIDERED)
    .map((n) => catalog.get(n))
    .filter((r): r is RunbookDefinition => r !== undefined);
  return (await visible(request, candidates)).slice(0, SUGGESTIONS_SHOWN).map((r) => r.name);
}

export function unknownRunbook(name: string, suggestions: string[], command: Pick<CommandInfo, 'name' | 'example'>): CommandMistake {
  const didYouMean = suggestions.length ? ` Did you mean ${suggestions.join(' or ')}?` : '';
  return new CommandMistake(
    `There is no runbook called "${name}".${didYouMean}`,
    'search <words> finds runbooks by what they do; menu lists them by category.',
    suggestions.length ? `${command.name} ${suggestions[0]}` : command.example,
  );
}
