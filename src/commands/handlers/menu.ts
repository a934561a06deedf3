/**
 * The main menu (text `menu`, an empty message, the ☰ Menu button): categories with counts of
 * the runbooks this user may see here.
 */
import type { CategorySummary } from '../../catalog/catalog.js';
import { mainMenuCard } from '../../cards/index.js';
import type { AdaptiveCard } from '../../domain/message.js';
import type { RunbookDefinition } from '../../domain/runbook.js';
import { visible, type Request } from '../context.js';

export async function menuCard(request: Request): Promise<AdaptiveCard> {
  const runbooks = await visible(request, request.services.catalog.list());
  return mainMenuCard({ categories: countByCategory(runbooks), totalRunbooks: runbooks.length, userName: firstName(request.user.name) });
}

function countByCategory(runbooks: readonly RunbookDefinition[]): CategorySummary[] {
  const counts = new Map<string, number>();
  for (const runbook of runbooks) counts.set(runbook.category, (counts.get(runbook.category) ?? 0) + 1);
  return [...counts].map(([name, count]) => ({ name, count })).sort((a, b) => a.name.localeCompare(b.name));
}

function firstName(name: string): string {
  return name.split(/\s+/)[0] || name;
}
