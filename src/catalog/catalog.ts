import type { CatalogProblem, RunbookDefinition } from '../domain/runbook.js';

export interface CategorySummary {
  name: string;
  count: number;
}

export interface SearchHit {
  runbook: RunbookDefinition;
  score: number;
}

/**
 * The live runbook catalog. Implemented by src/catalog/live-catalog.ts (local scripts watched on
 * disk, optionally merged with runbooks published in Azure Automation).
 */
export interface Catalog {
  /** All runbooks, sorted by name: the same frozen list until the catalog changes. */
  list(): readonly RunbookDefinition[];
  /** Case-insensitive lookup by name or alias-free exact name. */
  get(name: string): RunbookDefinition | undefined;
  /** Closest names for "did you mean …" (best first, at most `limit`). */
  suggest(name: string, limit?: number): string[];
  categories(): CategorySummary[];
  byCategory(category: string): RunbookDefinition[];
  /** Ranked search over name, synopsis, description, category, tags and parameter names. */
  search(query: string, limit?: number): SearchHit[];
  /** Scripts that could not be understood, with file, line and reason. */
  problems(): CatalogProblem[];
  /** Called after every reload with the new list; returns an unsubscribe function. */
  onChange(listener: (runbooks: RunbookDefinition[]) => void): () => void;
}
