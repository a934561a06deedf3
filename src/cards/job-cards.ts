/**
 * The job card — one per run, updated in place from queued to its final state — and the paged
 * full output behind its "Show full output" button.
 */
import { isFinal, type ApprovalRecord, type Job, type OutputChunk } from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { JobCardInput as JobLayerCardInput } from '../jobs/job-cards.js';
import { type CardElement, note, outputText, table } from './elements.js';
import {
  clip,
  elapsedMs,
  formatDuration,
  localTime,
  parameterFacts,
  principalName,
  statusView,
  targetLabel,
  utcTime,
  plural,
} from './format.js';
import { fitToBudget, MAX_REFRESH_USER_IDS } from './limits.js';
import {
  FINAL_FOLD,
  type FoldLimits,
  foldLines,
  outputLines,
  renderOutput,
  RUNNING_FOLD,
  type StructuredOutput,
  TABLE_LIMITS,
  type TableLimits,
} from './output-render.js';
import { pager } from './paging.js';
import { renderCard } from './templates.js';
import { Verb } from './verbs.js';

/** The job layer's card input (src/jobs/job-cards.ts), plus who auto-refreshes the card. */
export interface JobCardInput extends JobLayerCardInput {
  /**
   * Users whose Teams clients fetch the card again when they open it (Universal Actions refresh,
   * at most 60 honoured). Defaults to the requester. Only unfinished jobs carry a refresh.
   */
  refreshUserIds?: string[];
}

const PROGRESS_CELLS = 20;

function progressBar(percent: number): string {
  const bounded = Math.min(100, Math.max(0, percent));
  const filled = Math.round((bounded / 100) * PROGRESS_CELLS);
  return `${'█'.repeat(filled)}${'░'.repeat(PROGRESS_CELLS - filled)} ${Math.round(bounded)}%`;
}

/** "✅ Approved by Alice · <local time> · looks fine" */
export function decisionText(record: ApprovalRecord): string {
  const verb = record.decision === 'approved' ? '✅ Approved' : '⛔ Rejected';
  const comment = record.comment ? ` · ${clip(record.comment, 300)}` : '';
  return `${verb} by ${principalName(record.by)} · ${localTime(record.at)}${comment}`;
}

function timingFacts(job: Job, now: Date): { title: string; value: string }[] {
  const facts: { title: string; value: string }[] = [];
  if (job.startedAt) facts.push({ title: 'Started', value: utcTime(job.startedAt) });
  if (isFinal(job.status)) {
    if (job.endedAt) facts.push({ title: 'Finished', value: utcTime(job.endedAt) });
    if (job.startedAt && job.endedAt) facts.push({ title: 'Duration', value: formatDuration(elapsedMs(job.startedAt, job.endedAt)) });
  } else if (job.startedAt) {
    facts.push({ title: 'Elapsed', value: formatDuration(elapsedMs(job.startedAt, now)) });
  } else {
    facts.push({ title: 'Waiting', value: formatDuration(elapsedMs(job.createdAt, now)) });
  }
  return facts;
}

function structuredElements(structured: StructuredOutput): CardElement[] {
  const elements: CardElement[] = [];
  if (structured.title) elements.push({ type: 'TextBlock', text: structured.title, weight: 'Bolder', size: 'Small', wrap: true });
  if (structured.kind === 'facts') {
    elements.push({ type: 'FactSet', facts: structured.facts });
    if (structured.omittedFacts > 0) elements.push(note(`${plural(structured.omittedFacts, 'more field')} in the full output.`));
    return elements;
  }
  elements.push(table(structured.columns, structured.rows));
  const omitted = [
    structured.omittedRows > 0 ? plural(structured.omittedRows, 'more row') : '',
    structured.omittedColumns > 0 ? plural(structured.omittedColumns, 'more column') : '',
  ].filter(Boolean);
  if (omitted.length > 0) elements.push(note(`${omitted.join(' and ')} in the full output.`));
  return elements;
}

function scaleFold(limits: FoldLimits, scale: number): FoldLimits {
  return {
    headLines: Math.floor(limits.headLines * scale),
    tailLines: Math.max(1, Math.floor(limits.tailLines * scale)),
    maxLineChars: limits.maxLineChars,
    maxChars: Math.floor(limits.maxChars * scale),
  };
}

function scaleTable(limits: TableLimits, scale: number): TableLimits {
  return { ...limits, maxRows: Math.max(1, Math.floor(limits.maxRows * scale)), maxColumns: Math.max(1, Math.ceil(limits.maxColumns * scale)) };
}

/** What the card shows of the output at a given scale (1 = full allowance). */
function outputSection(job: Job, chunks: OutputChunk[], scale: number): { title: string | null; elements: CardElement[] } {
  if (scale === 0) return { title: 'Output', elements: [note('The output is too large for this card: use Show full output.')] };
  if (!isFinal(job.status)) {
    const lines = outputLines(chunks).map((l) => l.text);
    return lines.length === 0 ? { title: null, elements: [] } : { title: 'Last output', elements: [outputText(foldLines(lines, scaleFold(RUNNING_FOLD, scale)))] };
  }
  const rendered = renderOutput(chunks, scaleFold(FINAL_FOLD, scale), scaleTable(TABLE_LIMITS, scale));
  const elements = rendered.structured ? structuredElements(rendered.structured) : [];
  if (rendered.text.totalLines > 0) elements.push(outputText(rendered.text));
  if (elements.length === 0) elements.push(note('The runbook printed nothing.'));
  return { title: rendered.structured ? 'Result' : 'Output', elements };
}

export function jobCard(input: JobCardInput): AdaptiveCard {
  const { job, runbook, now } = input;
  const final = isFinal(job.status);
  const status = statusView(job.status);
  const where = `${targetLabel(job.target)} via ${job.executor}${job.executorStatus ? ` (${job.executorStatus})` : ''}`;
  const base = {
    jobId: job.id,
    status,
    title: `${job.runbook} · job ${job.id}`,
    synopsis: runbook?.synopsis ? clip(runbook.synopsis, 200) : null,
    facts: [
      { title: 'Requested by', value: `${principalName(job.requester)} · ${utcTime(job.createdAt)}` },
      { title: 'Runs on', value: clip(where, 200) },
      ...timingFacts(job, now),
      ...(job.exitCode !== undefined ? [{ title: 'Exit code', value: String(job.exitCode) }] : []),
    ],
    progress: !final && job.progress !== undefined ? progressBar(job.progress) + (job.progressText ? ` · ${clip(job.progressText, 120)}` : '') : null,
    parameters: parameterFacts(job.parameters),
    approvals: (job.approvals ?? []).map((a) => ({ text: decisionText(a) })),
    error: job.error ? clip(job.error, 1500) : null,
    canCancel: !final && input.canCancel && job.status !== 'cancelling',
    runbook: runbook ? job.runbook : null,
    hasOutput: input.outputTail.length > 0,
    refreshUserIds: final ? null : (input.refreshUserIds ?? [job.requester.id]).slice(0, MAX_REFRESH_USER_IDS),
  };
  // A job card must fit even when its parameters, approvals or error are long: the output gives
  // way first, down to a pointer at the full output.
  return fitToBudget((scale) => {
    const output = outputSection(job, input.outputTail, scale);
    return renderCard('job', { ...base, outputTitle: output.title, output: output.elements });
  });
}

/** Output entries per page of the full output; callers read this many chunks per page. */
export const FULL_OUTPUT_PAGE_SIZE = 100;
/** Text on one full-output page; a page of very long lines is cut here rather than overflow Teams. */
const FULL_OUTPUT_TEXT = { maxLineChars: 400, maxChars: 14_000 };

export interface FullOutputInput {
  job: Job;
  /** The chunks of this page, in order. */
  chunks: OutputChunk[];
  /** 1-based. */
  page: number;
  pageSize: number;
  totalPages: number;
}

export function fullOutputCard(input: FullOutputInput): AdaptiveCard {
  const { job, chunks, page, pageSize, totalPages } = input;
  const lines = outputLines(chunks, ['output', 'error', 'warning', 'verbose']).map((l) => l.text);
  const folded = foldLines(lines, { headLines: lines.length, tailLines: 0, ...FULL_OUTPUT_TEXT });
  const first = (page - 1) * pageSize + 1;
  const status = statusView(job.status);
  return renderCard('full-output', {
    runbook: job.runbook,
    jobId: job.id,
    status: `${status.emoji} ${status.label} · entries ${first}–${first + Math.max(0, chunks.length - 1)} · page ${page} of ${totalPages}`,
    empty: lines.length === 0,
    text: lines.length === 0 ? null : outputText(folded, 'more lines of this page did not fit on the card'),
    pager: pager(Verb.fullOutput, { jobId: job.id }, page, totalPages),
  });
}
