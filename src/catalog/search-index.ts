/**
 * Ranked search over runbooks. Every word of the query must match somewhere (AND); where it
 * matches decides its weight: the name beats tags and category, which beat the synopsis, which
 * beats the description and parameter names. Fields are lower-cased once when the index is built,
 * so a query is a linear scan of short strings (well under a millisecond for 1,000 runbooks).
 */
import type { RunbookDefinition } from '../domain/runbook.js';
import type { SearchHit } from './catalog.js';

interface IndexedRunbook {
  runbook: RunbookDefinition;
  name: string;
  /** Name split at "-", "_" and camelCase: Restart-AppPool → restart, app, pool. */
  nameWords: string[];
  labels: string[]; // tags and category
  synopsis: string;
  details: string; // description and parameter names
}

const WEIGHT = {
  exactName: 100, nameWord: 60, inName: 40, exactLabel: 30, inLabel: 20, synopsis: 10, details: 5,
} as const;

export const DEFAULT_SEARCH_LIMIT = 25;

export class SearchIndex {
  private readonly entries: IndexedRunbook[];

  constructor(runbooks: RunbookDefinition[]) {
    this.entries = runbooks.map((runbook) => ({
      runbook,
      name: runbook.name.toLowerCase(),
      nameWords: splitName(runbook.name),
      labels: [...runbook.tags, runbook.category].map((l) => l.toLowerCase()),
      synopsis: runbook.synopsis.toLowerCase(),
      details: [runbook.description, ...runbook.parameters.map((p) => p.name)].join('\n').toLowerCase(),
    }));
  }

  search(query: string, limit = DEFAULT_SEARCH_LIMIT): SearchHit[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    if (!words.length) return [];
    const hits: SearchHit[] = [];
    for (const entry of this.entries) {
      let score = 0;
      for (const word of words) {
        const wordScore = scoreWord(entry, word);
        if (!wordScore) {
          score = 0;
          break;
        }
        score += wordScore;
      }
      if (score) hits.push({ runbook: entry.runbook, score });
    }
    return hits.sort((a, b) => b.score - a.score || a.runbook.name.localeCompare(b.runbook.name, 'en')).slice(0, limit);
  }
}

function scoreWord(entry: IndexedRunbook, word: string): number {
  if (entry.name === word) return WEIGHT.exactName;
  if (entry.nameWords.some((w) => w.startsWith(word))) return WEIGHT.nameWord;
  if (entry.name.includes(word)) return WEIGHT.inName;
  if (entry.labels.includes(word)) return WEIGHT.exactLabel;
  if (entry.labels.some((l) => l.includes(word))) return WEIGHT.inLabel;
  if (entry.synopsis.includes(word)) return WEIGHT.synopsis;
  if (entry.details.includes(word)) return WEIGHT.details;
  return 0;
}

function splitName(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .split(/[\s_-]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
}
