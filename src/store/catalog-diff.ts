import type { CatalogChange, CatalogSnapshotEntry } from './store.js';

/**
 * What changed between the stored snapshot and the current catalog, ordered by runbook name so
 * both backends report changes of one moment in the same order.
 */
export function diffCatalog(
  previous: ReadonlyMap<string, CatalogSnapshotEntry>,
  current: readonly CatalogSnapshotEntry[],
  at: string,
): CatalogChange[] {
  const changes: CatalogChange[] = [];
  const currentNames = new Set<string>();
  for (const entry of current) {
    currentNames.add(entry.name);
    const before = previous.get(entry.name);
    if (!before) changes.push({ name: entry.name, change: 'added', at, synopsis: entry.synopsis, category: entry.category });
    else if (before.contentHash !== entry.contentHash)
      changes.push({ name: entry.name, change: 'changed', at, synopsis: entry.synopsis, category: entry.category });
  }
  for (const before of previous.values()) {
    if (!currentNames.has(before.name))
      changes.push({ name: before.name, change: 'removed', at, synopsis: before.synopsis, category: before.category });
  }
  return changes.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
