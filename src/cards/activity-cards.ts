/**
 * Cards about what happened: a runbook's history, job lists, friction reports and the audit log.
 * All are short lists of rows (cards/list.json + cards/parts/row.json), capped so they stay small.
 */
import type { Job } from '../domain/job.js';
import type { AdaptiveCard } from '../domain/message.js';
import type { RunbookDefinition } from '../domain/runbook.js';
import type { AuditRecord, FrictionItem, HistoryEntry } from '../store/store.js';
import { type CardButton, row } from './elements.js';
import { clip, elapsedMs, formatDuration, localTime, parameterSummary, plural, principalName, statusView } from './format.js';
import { renderCard } from './templates.js';
import { FRICTION_INPUT_ID, Verb } from './verbs.js';

/** Rows on one list card; older entries are left to the command with a filter or the CLI. */
export const MAX_LIST_ROWS = 15;
export const MAX_AUDIT_ROWS = 25;
/** Longest friction report accepted by the form (the input enforces it on the client). */
export const FRICTION_MAX_CHARS = 2000;

const MENU: CardButton = { title: '☰ Menu', verb: Verb.menu, data: {} };

function more(total: number, shown: number, what: string, hint: string): string | null {
  return total > shown ? `${plural(total - shown, what)} not shown: ${hint}` : null;
}

export function historyCard(input: { runbook: RunbookDefinition; entries: HistoryEntry[] }): AdaptiveCard {
  const { runbook, entries } = input;
  const shown = entries.slice(0, MAX_LIST_ROWS);
  return renderCard('list', {
    title: `🕘 How ${runbook.name} has been used`,
    summary: entries.length === 0 ? 'Nobody has run it yet.' : `The last ${plural(shown.length, 'run')}, newest first.`,
    rows: shown.map((e) => {
      const status = statusView(e.status);
      const took = e.endedAt ? ` · finished after ${formatDuration(elapsedMs(e.createdAt, e.endedAt))}` : '';
      return row({
        headline: `${status.emoji} ${status.label} · job ${e.jobId}`,
        color: status.color,
        detail: `${principalName(e.requester)} · ${localTime(e.createdAt)}${took}`,
        extra: parameterSummary(e.parameters),
        actions: [
          { title: '🔁 Run again', verb: Verb.openForm, data: { runbook: runbook.name, fromJobId: e.jobId } },
          { title: 'Open', verb: Verb.refreshJob, data: { jobId: e.jobId } },
        ],
      });
    }),
    more: more(entries.length, shown.length, 'older run', 'the job command shows any job by id.'),
    pager: null,
    actions: [{ title: '▶️ Run…', verb: Verb.openForm, data: { runbook: runbook.name } }, MENU],
  });
}

export function jobsListCard(input: { title: string; jobs: Job[] }): AdaptiveCard {
  const shown = input.jobs.slice(0, MAX_LIST_ROWS);
  return renderCard('list', {
    title: input.title,
    summary: input.jobs.length === 0 ? 'No jobs yet.' : `${plural(input.jobs.length, 'job')}, newest first.`,
    rows: shown.map((job) => {
      const status = statusView(job.status);
      return row({
        headline: `${status.emoji} ${job.runbook} · job ${job.id}`,
        color: status.color,
        detail: `${status.label} · ${principalName(job.requester)} · ${localTime(job.createdAt)}`,
        extra: parameterSummary(job.parameters),
        actions: [{ title: 'Open', verb: Verb.refreshJob, data: { jobId: job.id } }],
      });
    }),
    more: more(input.jobs.length, shown.length, 'older job', 'the job command shows any job by id.'),
    pager: null,
    actions: [MENU],
  });
}

export function frictionFormCard(input: { jobId?: string }): AdaptiveCard {
  return renderCard('friction-form', {
    intro: `${input.jobId ? `About job ${input.jobId}. ` : ''}What was slow, confusing or missing? It goes to the people who own Switchboard and its runbooks.`,
    inputId: FRICTION_INPUT_ID,
    maxLength: FRICTION_MAX_CHARS,
    jobId: input.jobId ?? null,
  });
}

export function frictionListCard(input: { items: FrictionItem[] }): AdaptiveCard {
  const shown = input.items.slice(0, MAX_LIST_ROWS);
  return renderCard('list', {
    title: '🗣️ Friction reported',
    summary: input.items.length === 0 ? 'Nothing reported yet. Type friction followed by what got in your way.' : `${plural(input.items.length, 'report')}, newest first.`,
    rows: shown.map((item) =>
      row({
        headline: `${principalName(item.reporter)} · ${localTime(item.createdAt)}`,
        detail: [item.runbook, item.jobId ? `job ${item.jobId}` : undefined].filter(Boolean).join(' · ') || 'general',
        extra: clip(item.text, 500),
      }),
    ),
    more: more(input.items.length, shown.length, 'older report', 'they stay in the store.'),
    pager: null,
    actions: [MENU],
  });
}

function auditDetail(detail: Record<string, unknown> | undefined): string | undefined {
  if (!detail || Object.keys(detail).length === 0) return undefined;
  return clip(
    Object.entries(detail)
      .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
      .join(', '),
    240,
  );
}

export function auditCard(input: { records: AuditRecord[] }): AdaptiveCard {
  const shown = input.records.slice(0, MAX_AUDIT_ROWS);
  return renderCard('list', {
    title: '🧾 Audit log',
    summary: input.records.length === 0 ? 'No records.' : `${plural(input.records.length, 'record')}. Export all as JSON lines with npm run audit.`,
    rows: shown.map((r) =>
      row({
        headline: `${r.action}${r.actor ? ` · ${principalName(r.actor)}` : ''}`,
        color: /refused|denied|rejected|failed/.test(r.action) ? 'attention' : 'default',
        detail: [localTime(r.at), r.runbook, r.jobId ? `job ${r.jobId}` : undefined].filter(Boolean).join(' · '),
        extra: auditDetail(r.detail),
      }),
    ),
    more: more(input.records.length, shown.length, 'more record', 'export them with npm run audit.'),
    pager: null,
    actions: [MENU],
  });
}
