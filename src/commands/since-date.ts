/**
 * The date in `new since <date>`: an ISO date or date-time (2025-03-01, 2025-03-01T14:00Z),
 * `today`, `yesterday`, or `<n> hours|days|weeks ago`. Dates without a time mean midnight UTC.
 */
import { CommandMistake } from './mistake.js';

const UNIT_MS: Record<string, number> = { hour: 3_600_000, day: 86_400_000, week: 7 * 86_400_000 };

export function parseSince(text: string, now: Date): Date {
  const lower = text.trim().toLowerCase();
  const startOfToday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  if (lower === 'today') return new Date(startOfToday);
  if (lower === 'yesterday') return new Date(startOfToday - UNIT_MS.day);
  const relative = /^(\d{1,4})\s*(hour|day|week)s?\s+ago$/.exec(lower);
  if (relative) return new Date(now.getTime() - Number(relative[1]) * UNIT_MS[relative[2]]);
  if (/^\d{4}-\d{2}-\d{2}([t ][\d:.]+(z|[+-]\d{2}:?\d{2})?)?$/.test(lower)) {
    const date = new Date(/^\d{4}-\d{2}-\d{2}$/.test(lower) ? `${lower}T00:00:00Z` : lower.toUpperCase().replace(' ', 'T'));
    if (!Number.isNaN(date.getTime())) {
      if (date.getTime() > now.getTime())
        throw new CommandMistake(`${text} is in the future.`, 'Ask for changes since a past date.', 'new since yesterday');
      return date;
    }
  }
  throw new CommandMistake(
    `"${text}" is not a date I understand.`,
    'Write a date like 2025-03-01, a date and time like 2025-03-01T14:00Z, today, yesterday, or 3 days ago.',
    'new since 2025-03-01',
  );
}
