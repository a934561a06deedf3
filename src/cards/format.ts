/**
 * Small presentation helpers shared by the render functions: how a status, a time, a duration,
 * a target or a parameter value reads on a card. Pure functions of their inputs.
 */
import type { JobStatus, Principal } from '../domain/job.js';
import type { ParameterValue, RunTarget } from '../domain/runbook.js';

/** Cuts text to `max` characters, marking the cut so nobody mistakes it for the whole value. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, Math.max(0, max - 1)) + '…';
}

export interface StatusView {
  emoji: string;
  label: string;
  /** TextBlock colour. */
  color: 'default' | 'accent' | 'good' | 'warning' | 'attention';
  /** Container style of the card's header band. */
  style: 'emphasis' | 'accent' | 'good' | 'warning' | 'attention';
}

const STATUS_VIEWS: Record<JobStatus, StatusView> = {
  pending_approval: { emoji: '⏳', label: 'Waiting for approval', color: 'warning', style: 'warning' },
  queued: { emoji: '🕒', label: 'Queued', color: 'accent', style: 'emphasis' },
  running: { emoji: '▶️', label: 'Running', color: 'accent', style: 'accent' },
  suspended: { emoji: '⏸️', label: 'Suspended', color: 'warning', style: 'warning' },
  cancelling: { emoji: '🛑', label: 'Cancelling', color: 'warning', style: 'warning' },
  completed: { emoji: '✅', label: 'Completed', color: 'good', style: 'good' },
  failed: { emoji: '❌', label: 'Failed', color: 'attention', style: 'attention' },
  cancelled: { emoji: '🚫', label: 'Cancelled', color: 'default', style: 'emphasis' },
  timed_out: { emoji: '⌛', label: 'Timed out', color: 'attention', style: 'attention' },
  rejected: { emoji: '⛔', label: 'Rejected', color: 'attention', style: 'attention' },
  lost: { emoji: '❓', label: 'Lost: the executor no longer knows this job', color: 'warning', style: 'warning' },
};

export function statusView(status: JobStatus): StatusView {
  return STATUS_VIEWS[status];
}

/** "1h 02m 03s", "4m 05s", "12s". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.round(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const pad = (n: number) => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

/** Milliseconds between two ISO timestamps (or an ISO timestamp and a Date). */
export function elapsedMs(fromIso: string, to: string | Date): number {
  return new Date(to).getTime() - new Date(fromIso).getTime();
}

function isoSeconds(iso: string): string | undefined {
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? undefined : date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/**
 * A timestamp for a TextBlock: Adaptive Cards' DATE/TIME functions, which Teams renders in the
 * reader's own time zone and locale (the bot does not know either). Only TextBlocks support them.
 */
export function localTime(iso: string): string {
  const exact = isoSeconds(iso);
  return exact ? `{{DATE(${exact}, SHORT)}} {{TIME(${exact})}}` : iso;
}

/** A timestamp for places without DATE/TIME support (facts, table cells): UTC, minutes. */
export function utcTime(iso: string): string {
  const exact = isoSeconds(iso);
  return exact ? `${exact.slice(0, 10)} ${exact.slice(11, 16)} UTC` : iso;
}

/** Where a run goes, in words. */
export function targetLabel(target: RunTarget): string {
  if (target === 'cloud') return 'Azure cloud sandbox';
  if (target === 'local') return 'this server (local)';
  return `hybrid worker group ${target}`;
}

export function principalName(principal: Principal): string {
  return principal.name || principal.upn || principal.id;
}

/** Longest parameter value shown on a card; the job's full values stay in the store. */
export const MAX_VALUE_CHARS = 160;

/** A parameter value as text (values arrive already masked where secret). */
export function displayValue(value: ParameterValue): string {
  if (Array.isArray(value)) return clip(value.join(', '), MAX_VALUE_CHARS);
  return clip(String(value), MAX_VALUE_CHARS);
}

export interface Fact {
  title: string;
  value: string;
}

/** At most this many parameters are listed on job, approval and history cards. */
export const MAX_PARAMETER_FACTS = 25;

/** Parameters as FactSet facts, in the order given, with a final fact saying how many were left out. */
export function parameterFacts(parameters: Record<string, ParameterValue>): Fact[] {
  const entries = Object.entries(parameters);
  const facts = entries.slice(0, MAX_PARAMETER_FACTS).map(([name, value]) => ({ title: name, value: displayValue(value) }));
  if (entries.length > MAX_PARAMETER_FACTS) {
    facts.push({ title: '…', value: `${entries.length - MAX_PARAMETER_FACTS} more parameters not shown` });
  }
  return facts;
}

/** Parameters on one line: `Server=web01, Pool=api`. */
export function parameterSummary(parameters: Record<string, ParameterValue>, max = 200): string {
  const text = Object.entries(parameters)
    .map(([name, value]) => `${name}=${Array.isArray(value) ? value.join(';') : String(value)}`)
    .join(', ');
  return clip(text, max) || 'no parameters';
}

/** "1 runbook", "3 runbooks". */
export function plural(count: number, noun: string, pluralNoun = noun + 's'): string {
  return `${count} ${count === 1 ? noun : pluralNoun}`;
}
