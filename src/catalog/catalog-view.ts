/**
 * An immutable snapshot of the catalog, rebuilt after every change: parsed scripts (duplicate
 * names resolved) merged with published runbooks, plus the lookups every query needs. Rebuilding
 * the whole view is cheap (a few milliseconds for 1,000 runbooks) and keeps queries lock-free.
 */
import type { CatalogProblem, RunbookDefinition } from '../domain/runbook.js';
import type { CategorySummary } from './catalog.js';
import { mergePublished } from './merge.js';
import type { ScriptResult } from './script-file.js';
import { SearchIndex } from './search-index.js';

export interface CatalogView {
  /** Frozen: handed to callers as it is (see Catalog.list). */
  runbooks: readonly RunbookDefinition[];
  byName: Map<string, RunbookDefinition>;
  categories: CategorySummary[];
  byCategory: Map<string, RunbookDefinition[]>;
  problems: CatalogProblem[];
  index: SearchIndex;
}

export function buildCatalogView(
  results: Iterable<ScriptResult>,
  published: RunbookDefinition[],
  folderProblems: CatalogProblem[] = [],
): CatalogView {
  const sorted = [...results].sort((a, b) => byCodePoint(a.file, b.file));
  const problems = [...folderProblems, ...sorted.flatMap((r) => r.problems)];
  const owners = new Map<string, string>();
  const local: RunbookDefinition[] = [];
  for (const { runbook, file } of sorted) {
    if (!runbook) continue;
    const key = runbook.name.toLowerCase();
    const owner = owners.get(key);
    if (owner) {
      // The first file (in path order) keeps the name, so adding a duplicate never hides the original.
      problems.push({ file, line: 1, reason: `runbook name "${runbook.name}" is already used by ${owner} (names are case-insensitive); rename one of the files` });
      continue;
    }
    owners.set(key, file);
    local.push(runbook);
  }
  const runbooks = mergePublished(local, published);
  const byName = new Map(runbooks.map((r) => [r.name.toLowerCase(), r]));
  const byCategory = new Map<string, RunbookDefinition[]>();
  for (const runbook of runbooks) {
    const key = runbook.category.toLowerCase();
    const members = byCategory.get(key);
    if (members) members.push(runbook);
    else byCategory.set(key, [runbook]);
  }
  const categories = [...byCategory.values()]
    .map((members) => ({ name: displayName(members.map((m) => m.category)), count: members.length }))
    .sort((a, b) => a.name.localeCompare(b.name, 'en'));
  problems.sort((a, b) => byCodePoint(a.file, b.file) || a.line - b.line);
  return { runbooks: Object.freeze(runbooks), byName, categories, byCategory, problems, index: new SearchIndex(runbooks) };
}

/** Categories match case-insensitively; the spelling most runbooks use is shown. */
function displayName(spellings: string[]): string {
  const counts = new Map<string, number>();
  for (const spelling of spellings) counts.set(spelling, (counts.get(spelling) ?? 0) + 1);
  return [...counts].sort(([a, x], [b, y]) => y - x || byCodePoint(a, b))[0][0];
}

/** Locale-independent order, so which duplicate keeps its name never depends on the machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
