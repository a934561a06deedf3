/**
 * Paged lists of runbooks: one category (menu buttons) and search results (text `search`, the
 * menu's search box). Only runbooks the user may see here are listed or counted.
 */
import { paginate, RUNBOOKS_PER_PAGE, runbookListCard, SEARCH_INPUT_ID, Verb } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import { visible, type Request } from '../context.js';
import { CommandMistake } from '../mistake.js';

/** Hits considered for a search; far more than anyone pages through. */
const SEARCH_LIMIT = 200;

export async function categoryCard(request: Request, category: string, page: number): Promise<AdaptiveCard> {
  const runbooks = await visible(request, request.services.catalog.byCategory(category));
  const shown = paginate(runbooks, page, RUNBOOKS_PER_PAGE);
  return runbookListCard({
    title: `📂 ${category}`,
    runbooks: shown.items,
    page: shown.page,
    pageSize: RUNBOOKS_PER_PAGE,
    total: shown.total,
    verb: Verb.category,
    data: { category },
    emptyText: `No runbooks in ${category} for you here. Open the menu for the other categories.`,
  });
}

export async function searchCard(request: Request, query: string, page: number): Promise<AdaptiveCard> {
  const words = query.trim();
  if (!words)
    throw new CommandMistake('Search needs some words.', 'Type what the runbook is about: a system, an action, a parameter.', 'search disk space');
  const hits = request.services.catalog.search(words, SEARCH_LIMIT).map((hit) => hit.runbook);
  const runbooks = await visible(request, hits);
  const shown = paginate(runbooks, page, RUNBOOKS_PER_PAGE);
  return runbookListCard({
    title: `🔎 ${words}`,
    runbooks: shown.items,
    page: shown.page,
    pageSize: RUNBOOKS_PER_PAGE,
    total: shown.total,
    verb: Verb.search,
    data: { [SEARCH_INPUT_ID]: words },
    emptyText: `Nothing matches "${words}". Try fewer or other words, or browse the menu.`,
  });
}
