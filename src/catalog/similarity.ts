/**
 * "Did you mean …": candidates ranked by edit distance, with names that contain what was typed
 * (or are contained in it) counted as close. Exported for the command parser's unknown-command
 * answers too.
 */

/** Levenshtein distance with adjacent transpositions (optimal string alignment). */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  if (!a.length) return b.length;
  if (!b.length) return a.length;
  let beforePrevious: number[] = [];
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, beforePrevious[j - 2] + 1);
      current.push(best);
    }
    beforePrevious = previous;
    previous = current;
  }
  return previous[b.length];
}

/** Up to `limit` candidates close to `input`, closest first (case-insensitive). */
export function closestMatches(input: string, candidates: Iterable<string>, limit = 5): string[] {
  const wanted = input.trim().toLowerCase();
  if (!wanted) return [];
  const allowed = Math.max(2, Math.floor(wanted.length / 3));
  const scored: { candidate: string; distance: number }[] = [];
  for (const candidate of candidates) {
    const lower = candidate.toLowerCase();
    const contains = wanted.length >= 3 && (lower.includes(wanted) || wanted.includes(lower));
    const distance = contains ? Math.min(1, editDistance(wanted, lower)) : editDistance(wanted, lower);
    if (distance <= allowed) scored.push({ candidate, distance });
  }
  return scored
    .sort((x, y) =>
      x.distance - y.distance
      || Math.abs(x.candidate.length - wanted.length) - Math.abs(y.candidate.length - wanted.length)
      || x.candidate.localeCompare(y.candidate, 'en'))
    .slice(0, limit)
    .map((s) => s.candidate);
}
