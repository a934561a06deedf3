/**
 * Turns a job's output into something that reads well on a card: JSON documents become a table
 * or a fact set, and text is folded to its first and last lines. Pure functions; the caps keep a
 * 10,000-line output or a 5,000-row JSON array inside Teams' message size limit.
 */
import type { OutputChunk, OutputStream } from '../domain/job.js';
import { clip } from './format.js';

export interface OutputLine {
  stream: OutputStream;
  text: string;
}

/** Streams shown by default; verbose output is noise on a card and progress is shown as a bar. */
export const CARD_STREAMS: readonly OutputStream[] = ['output', 'error', 'warning'];

/** PowerShell's own host prefixes, so an error line reads as one wherever it is shown. */
const STREAM_PREFIX: Record<OutputStream, string> = {
  output: '',
  error: 'ERROR: ',
  warning: 'WARNING: ',
  verbose: 'VERBOSE: ',
  progress: 'PROGRESS: ',
};

// eslint-disable-next-line no-control-regex
const ANSI_ESCAPE = /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[@-_]/g;
// eslint-disable-next-line no-control-regex
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

/**
 * Removes terminal colour codes and control characters (they would show as escapes or garbage)
 * and keeps only what a `\r`-redrawn progress line finally displayed.
 */
export function cleanLine(raw: string): string {
  const lastRedraw = raw.lastIndexOf('\r');
  const visible = lastRedraw >= 0 && lastRedraw < raw.length - 1 ? raw.slice(lastRedraw + 1) : raw.replace(/\r$/, '');
  return visible.replace(ANSI_ESCAPE, '').replace(/\t/g, '    ').replace(CONTROL_CHARS, '');
}

/** The output as lines, in order, from the given streams, error/warning lines prefixed. */
export function outputLines(chunks: OutputChunk[], streams: readonly OutputStream[] = CARD_STREAMS): OutputLine[] {
  const lines: OutputLine[] = [];
  for (const chunk of chunks) {
    if (!streams.includes(chunk.stream)) continue;
    const parts = chunk.text.split('\n');
    if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
    for (const part of parts) lines.push({ stream: chunk.stream, text: STREAM_PREFIX[chunk.stream] + cleanLine(part) });
  }
  return lines;
}

export interface FoldLimits {
  /** Lines kept from the start. */
  headLines: number;
  /** Lines kept from the end (where results and errors usually are). */
  tailLines: number;
  /** Longer lines are cut. */
  maxLineChars: number;
  /** Characters of all kept lines together. */
  maxChars: number;
}

/** Output of a finished job on its card. */
export const FINAL_FOLD: FoldLimits = { headLines: 15, tailLines: 25, maxLineChars: 160, maxChars: 6000 };
/** The last lines of a running job. */
export const RUNNING_FOLD: FoldLimits = { headLines: 0, tailLines: 12, maxLineChars: 160, maxChars: 2000 };
/** Text around a JSON result (log lines before it, warnings), kept short next to the table. */
export const NOTES_FOLD: FoldLimits = { headLines: 3, tailLines: 5, maxLineChars: 160, maxChars: 1200 };

export interface FoldedText {
  head: string[];
  tail: string[];
  /** Lines left out between head and tail. */
  foldedLines: number;
  totalLines: number;
}

function clipLine(line: string, max: number): string {
  return line.length <= max ? line : `${line.slice(0, max)}… (+${line.length - max} chars)`;
}

/** Keeps the first and last lines within the limits; what is left out is counted, not lost silently. */
export function foldLines(lines: string[], limits: FoldLimits): FoldedText {
  const total = lines.length;
  let head = Math.min(limits.headLines, total);
  let tail = Math.min(limits.tailLines, total - head);
  const kept = (i: number) => clipLine(lines[i], limits.maxLineChars);
  const cost = (i: number) => kept(i).length + 1;
  let chars = 0;
  for (let i = 0; i < head; i++) chars += cost(i);
  for (let i = total - tail; i < total; i++) chars += cost(i);
  // Shrink towards a 1:2 head:tail ratio until the kept lines fit the character budget.
  while (head + tail > 1 && chars > limits.maxChars) {
    if (head > 0 && head * 2 >= tail) chars -= cost(--head);
    else chars -= cost(total - tail--);
  }
  const headLines = Array.from({ length: head }, (_, i) => kept(i));
  const tailLines = Array.from({ length: tail }, (_, i) => kept(total - tail + i));
  const foldedLines = total - head - tail;
  return foldedLines === 0
    ? { head: [...headLines, ...tailLines], tail: [], foldedLines: 0, totalLines: total }
    : { head: headLines, tail: tailLines, foldedLines, totalLines: total };
}

/** Where a JSON document was found among the output lines. */
export interface JsonDocument {
  value: unknown;
  /** Index of its first and one past its last line in the lines searched. */
  start: number;
  end: number;
}

function parseJson(text: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

/** A line that can open a JSON object or array: `[INFO] …` and `[ok]` cannot, so they are not even tried. */
const JSON_START = /^\s*(?:\{\s*(?:"|\}|$)|\[\s*(?:["{[\]\-\d]|true|false|null|$))/;

/**
 * The JSON document the output ends with: the whole output, or the last lines that form one
 * (scripts often log a few lines and then print their result with ConvertTo-Json / json.dumps).
 * Candidates start at lines that can open an object or array, tried from the end. Each candidate
 * is a slice of one joined string (no copying per line), and a failed parse stops at the first
 * invalid character, so a long output stays linear.
 */
export function findJson(lines: string[]): JsonDocument | undefined {
  let end = lines.length;
  while (end > 0 && lines[end - 1].trim() === '') end--;
  if (end === 0) return undefined;
  const last = lines[end - 1].trimEnd();
  if (!last.endsWith('}') && !last.endsWith(']')) return undefined;
  const offsets: number[] = [];
  let offset = 0;
  for (let i = 0; i < end; i++) {
    offsets.push(offset);
    offset += lines[i].length + 1;
  }
  const text = lines.slice(0, end).join('\n');
  for (let start = end - 1; start >= 0; start--) {
    if (!JSON_START.test(lines[start])) continue;
    const parsed = parseJson(text.slice(offsets[start]));
    if (parsed && typeof parsed.value === 'object' && parsed.value !== null) return { value: parsed.value, start, end };
  }
  return undefined;
}

export interface TableLimits {
  maxColumns: number;
  maxRows: number;
  maxCellChars: number;
}

export const TABLE_LIMITS: TableLimits = { maxColumns: 6, maxRows: 15, maxCellChars: 60 };
export const MAX_FACTS = 20;
export const MAX_FACT_CHARS = 200;

export type StructuredOutput =
  | { kind: 'facts'; title?: string; facts: { title: string; value: string }[]; omittedFacts: number }
  | {
      kind: 'table';
      title?: string;
      columns: string[];
      rows: string[][];
      omittedRows: number;
      omittedColumns: number;
    };

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isTableData(value: unknown): value is JsonObject[] {
  return Array.isArray(value) && value.length > 0 && value.every(isObject);
}

/** A JSON value as cell text: scalars as they are, nested values as compact JSON. */
export function cellText(value: unknown, max: number): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return clip(JSON.stringify(value), max);
  return clip(String(value), max);
}

function toTable(rows: JsonObject[], limits: TableLimits, title?: string): StructuredOutput {
  const allColumns: string[] = [];
  const seen = new Set<string>();
  for (const row of rows) {
    for (const key of Object.keys(row)) {
      if (!seen.has(key)) {
        seen.add(key);
        allColumns.push(key);
      }
    }
  }
  const columns = allColumns.slice(0, limits.maxColumns);
  return {
    kind: 'table',
    title,
    columns: columns.map((c) => clip(c, limits.maxCellChars)),
    rows: rows.slice(0, limits.maxRows).map((row) => columns.map((c) => cellText(row[c], limits.maxCellChars))),
    omittedRows: Math.max(0, rows.length - limits.maxRows),
    omittedColumns: allColumns.length - columns.length,
  };
}

/**
 * JSON as a table (array of objects, or an object wrapping one such array like `{ "value": [...] }`)
 * or a fact set (any other object). Arrays of scalars and scalars stay text.
 */
export function structure(value: unknown, limits: TableLimits = TABLE_LIMITS): StructuredOutput | undefined {
  if (isTableData(value)) return toTable(value, limits);
  if (!isObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 1 && isTableData(value[keys[0]])) return toTable(value[keys[0]] as JsonObject[], limits, keys[0]);
  if (keys.length === 0) return undefined;
  return {
    kind: 'facts',
    facts: keys.slice(0, MAX_FACTS).map((key) => ({ title: clip(key, 60), value: cellText(value[key], MAX_FACT_CHARS) })),
    omittedFacts: Math.max(0, keys.length - MAX_FACTS),
  };
}

export interface RenderedOutput {
  /** The JSON result, when the output ends with one that reads as a table or facts. */
  structured?: StructuredOutput;
  /** The remaining text (all of it when there is no JSON result), folded. */
  text: FoldedText;
}

/**
 * The output of a job for its card. With a JSON result, the text beside it (log lines, warnings)
 * is folded harder so the table stays the main thing.
 */
export function renderOutput(
  chunks: OutputChunk[],
  textLimits: FoldLimits = FINAL_FOLD,
  tableLimits: TableLimits = TABLE_LIMITS,
): RenderedOutput {
  const lines = outputLines(chunks);
  const outputIndexes = lines.flatMap((line, i) => (line.stream === 'output' ? [i] : []));
  const json = findJson(outputIndexes.map((i) => lines[i].text));
  const structured = json ? structure(json.value, tableLimits) : undefined;
  if (!json || !structured) return { text: foldLines(lines.map((l) => l.text), textLimits) };
  const jsonLines = new Set(outputIndexes.slice(json.start, json.end));
  const notes = lines.filter((_, i) => !jsonLines.has(i)).map((l) => l.text);
  return { structured, text: foldLines(notes, NOTES_FOLD) };
}
