/**
 * Builders for the fragments several cards share (cards/parts/*.json): a runbook entry, a list
 * row, a pager, monospace text and a table. Each returns an element to place in a card's view model.
 */
import type { RunbookDefinition } from '../domain/runbook.js';
import { clip, targetLabel } from './format.js';
import type { FoldedText } from './output-render.js';
import { renderPart } from './templates.js';
import type { VerbName } from './verbs.js';

export type CardElement = Record<string, unknown>;

/** A button a render function's caller chooses (e.g. "did you mean" suggestions). */
export interface CardButton {
  title: string;
  verb: VerbName;
  data: Record<string, unknown>;
}

/** Most buttons in one card's action bar; Teams folds more into an overflow menu. */
export const MAX_CARD_BUTTONS = 5;

export const MAX_NAME_CHARS = 80;
export const MAX_SYNOPSIS_CHARS = 200;

/** "Category · runs on the Azure cloud sandbox". */
export function runbookMeta(runbook: RunbookDefinition): string {
  return clip(`${clip(runbook.category, 60)} · runs on ${targetLabel(runbook.target)}`, 200);
}

/** A runbook with its synopsis and Run / History buttons. `meta` replaces the category line. */
export function runbookItem(runbook: Pick<RunbookDefinition, 'name' | 'synopsis'>, meta: string, canRun = true): CardElement {
  return renderPart('parts/runbook-item', {
    // The buttons carry the full name; only what is shown is shortened.
    name: runbook.name,
    displayName: clip(runbook.name, MAX_NAME_CHARS),
    synopsis: clip(runbook.synopsis || 'No synopsis yet: add .SYNOPSIS to the script help.', MAX_SYNOPSIS_CHARS),
    meta,
    canRun,
  });
}

export interface RowContent {
  headline: string;
  color?: string;
  detail: string;
  extra?: string;
  actions?: CardButton[];
}

/** One entry of a list card (a job, a history entry, a friction item, an audit record). */
export function row(content: RowContent): CardElement {
  return renderPart('parts/row', {
    headline: content.headline,
    color: content.color ?? 'default',
    detail: content.detail,
    extra: content.extra ?? null,
    actions: content.actions ?? [],
  });
}

/** Monospace text folded to its first and last lines; the fold itself reads as a note. */
export function outputText(folded: FoldedText, foldNote = 'lines folded: use Show full output'): CardElement {
  const runs: { text: string; fontType: string; italic: boolean }[] = [];
  const hasTail = folded.tail.length > 0;
  if (folded.head.length > 0) {
    runs.push({ text: folded.head.join('\n') + (folded.foldedLines > 0 ? '\n' : ''), fontType: 'Monospace', italic: false });
  }
  if (folded.foldedLines > 0) {
    const note = `… ${folded.foldedLines.toLocaleString('en-US')} ${foldNote} …`;
    runs.push({ text: note + (hasTail ? '\n' : ''), fontType: 'Default', italic: true });
  }
  if (hasTail) runs.push({ text: folded.tail.join('\n'), fontType: 'Monospace', italic: false });
  return renderPart('parts/output-text', { runs });
}

/** A table with a header row. `widths` are relative column widths. */
export function table(header: string[], rows: string[][], widths: number[] = header.map(() => 1)): CardElement {
  return renderPart('parts/table', {
    columns: widths.map((width) => ({ width })),
    header,
    rows: rows.map((cells) => ({ cells })),
  });
}

/** Subtle one-line note, e.g. "12 more rows not shown". */
export function note(text: string): CardElement {
  return { type: 'TextBlock', text, wrap: true, isSubtle: true, size: 'Small' };
}
