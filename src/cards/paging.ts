/**
 * Paging for lists that must never become one giant card. Pages are numbered from 1, as shown to
 * users and carried in the `page` field of the action data.
 */
import { renderPart } from './templates.js';
import type { CardElement } from './elements.js';
import type { VerbName } from './verbs.js';

/** Runbooks per page of a category or search result: fits long synopses far below the size limit. */
export const RUNBOOKS_PER_PAGE = 8;

export interface Page<T> {
  items: T[];
  /** The page shown, clamped to 1..totalPages. */
  page: number;
  totalPages: number;
  total: number;
}

/** The items of one page; an out-of-range page number shows the nearest page. */
export function paginate<T>(items: readonly T[], page: number, pageSize: number): Page<T> {
  const totalPages = Math.max(1, Math.ceil(items.length / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), totalPages);
  return { items: items.slice((current - 1) * pageSize, current * pageSize), page: current, totalPages, total: items.length };
}

/**
 * "Page 2 of 5" with Previous / Next buttons that repeat `data` with the neighbouring page number.
 * Returns null on a single page, where paging has nothing to offer (null is dropped from cards).
 */
export function pager(verb: VerbName, data: Record<string, unknown>, page: number, totalPages: number): CardElement | null {
  if (totalPages <= 1) return null;
  return renderPart('parts/pager', {
    label: `Page ${page} of ${totalPages}`,
    verb,
    previous: page > 1 ? { ...data, page: page - 1 } : null,
    next: page < totalPages ? { ...data, page: page + 1 } : null,
  });
}
