/**
 * "Did you mean …" for command and parameter names: the candidates closest to what was typed by
 * optimal-string-alignment distance (Levenshtein plus swapped neighbours, the commonest typo),
 * case-insensitive, within a distance that grows with the word's length. Runbook names use the
 * catalog's own `suggest`, which also knows synopses and tags.
 */

export function editDistance(a: string, b: string): number {
  const s = a.toLowerCase();
  const t = b.toLowerCase();
  const rows = s.length + 1;
  const cols = t.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = s[i - 1] === t[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && s[i - 1] === t[j - 2] && s[i - 2] === t[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[s.length][t.length];
}

/** Candidates within reach of `typed`, closest first (ties keep the candidates' order). */
export function closest(typed: string, candidates: readonly string[], limit = 3): string[] {
  const reach = Math.max(1, Math.floor(typed.length / 3));
  return candidates
    .map((candidate, order) => ({ candidate, order, distance: distanceOrPrefix(typed, candidate) }))
    .filter((c) => c.distance <= reach)
    .sort((x, y) => x.distance - y.distance || x.order - y.order)
    .slice(0, limit)
    .map((c) => c.candidate);
}

/** A typed prefix of a longer name ("hist" for "history") counts as a near miss. */
function distanceOrPrefix(typed: string, candidate: string): number {
  if (typed.length >= 2 && candidate.toLowerCase().startsWith(typed.toLowerCase())) return 1;
  return editDistance(typed, candidate);
}
