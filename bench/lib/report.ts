/** The table printed at the end of a run: one row per figure, each with its baseline and ratio. */

export interface Row {
  part: string;
  figure: string;
  value: number;
  unit: string;
  baselineName: string;
  baseline: number;
  /** value ÷ baseline. */
  ratio: number;
  /** The target, as text, and whether this run met it (undefined: no target, context only). */
  target?: string;
  met?: boolean;
}

const fmt = (n: number) => (!Number.isFinite(n) ? 'n/a' : Math.abs(n) >= 100 ? n.toFixed(0) : Math.abs(n) >= 10 ? n.toFixed(1) : Math.abs(n) >= 0.1 ? n.toFixed(2) : n.toFixed(4));

export function formatTable(rows: readonly Row[]): string {
  const cells = rows.map((r) => [
    r.part,
    r.figure,
    `${fmt(r.value)} ${r.unit}`,
    `${r.baselineName} ${fmt(r.baseline)}`,
    `${fmt(r.ratio)}×`,
    r.target ?? '',
    r.met === undefined ? '' : r.met ? 'met' : 'MISSED',
  ]);
  const header = ['part', 'figure', 'value', 'baseline (same run)', 'ratio', 'target', ''];
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)));
  const line = (c: string[]) => c.map((cell, i) => cell.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}

/** The same table as Markdown, for docs/performance.md. */
export function formatMarkdown(rows: readonly Row[]): string {
  const lines = ['| part | figure | value | baseline (same run) | ratio | target | |', '|---|---|---|---|---|---|---|'];
  for (const r of rows)
    lines.push(`| ${r.part} | ${r.figure} | ${fmt(r.value)} ${r.unit} | ${r.baselineName} ${fmt(r.baseline)} | ${fmt(r.ratio)}× | ${r.target ?? ''} | ${r.met === undefined ? '' : r.met ? 'met' : '**missed**'} |`);
  return lines.join('\n');
}
