/**
 * Reads job cards out of what the connector recorder received: which jobs reached a final state
 * on a card, how many times each final card was delivered, and whether the bot ever came back to
 * a conversation sooner than a Retry-After told it to.
 */
import { expect } from 'chai';
import type { ConnectorRecorder, RecordedRequest } from '../../support/connector-recorder.js';
import { cardsOf, cardText } from '../../support/activities.js';
import { jobOf, statusOf } from '../../integration/harness.js';

/** Status lines of job cards in a final state (src/cards/format.ts). */
const FINAL_STATUSES = ['Completed', 'Failed', 'Cancelled', 'Timed out', 'Rejected', 'Lost: the executor no longer knows this job'];

export interface JobCardRecord {
  jobId: string;
  status: string;
  text: string;
  request: RecordedRequest;
}

/** The job card a request carried, when it was accepted and carried one. */
export function jobCardOf(request: RecordedRequest): JobCardRecord | undefined {
  if (request.status >= 300) return undefined;
  const card = cardsOf(request.activity)[0];
  const job = jobOf(card);
  const status = card && statusOf(card);
  return job && status ? { jobId: job.jobId, status, text: cardText(card), request } : undefined;
}

export function isFinalCard(record: JobCardRecord): boolean {
  return FINAL_STATUSES.includes(record.status);
}

/** Job id → every accepted request that showed the job in a final state, in order of arrival. */
export function finalCardsByJob(requests: readonly RecordedRequest[]): Map<string, JobCardRecord[]> {
  const byJob = new Map<string, JobCardRecord[]>();
  for (const request of requests) {
    const record = jobCardOf(request);
    if (!record || !isFinalCard(record)) continue;
    byJob.set(record.jobId, [...(byJob.get(record.jobId) ?? []), record]);
  }
  return byJob;
}

export interface FinalDelivery {
  jobId: string;
  /** Final states shown, in order (normally one). */
  statuses: string[];
  /** Messages (activity ids) that showed the final state: one means the user sees one final card. */
  messages: Set<string>;
  /** Final cards posted as new messages (not updates of the job's card). */
  posts: number;
  /** Arrival of the first final card. */
  firstAt: number;
}

/**
 * How each job's final card was delivered. A final card may legitimately reach the same message
 * twice when an instance died between delivering it and storing that it did: the next owner
 * repeats the (idempotent) update of that message. A second message, or a second post, would be
 * a duplicate the user sees.
 */
export function finalDeliveries(requests: readonly RecordedRequest[]): Map<string, FinalDelivery> {
  const deliveries = new Map<string, FinalDelivery>();
  for (const [jobId, cards] of finalCardsByJob(requests))
    deliveries.set(jobId, {
      jobId,
      statuses: cards.map((c) => c.status),
      messages: new Set(cards.map((c) => c.request.activityId ?? '')),
      posts: cards.filter((c) => c.request.operation !== 'update').length,
      firstAt: cards[0].request.receivedAt,
    });
  return deliveries;
}

/**
 * Asserts that every job in `jobIds` (and no other) has its final card, in `status`, on exactly
 * one message, posted as a new message at most once; a job's final card reached its message
 * again only if an instance was killed (at one of `kills`) after the first delivery. Returns how
 * many such repeats there were.
 */
export function expectEveryFinalCardOnce(
  requests: readonly RecordedRequest[],
  jobIds: Iterable<string>,
  options: { status?: string; kills?: number[] } = {},
): { repeatedUpdates: number } {
  const status = options.status ?? 'Completed';
  const deliveries = finalDeliveries(requests);
  expect([...deliveries.keys()].sort(), 'jobs with a final card').to.deep.equal([...jobIds].sort());
  let repeatedUpdates = 0;
  for (const delivery of deliveries.values()) {
    const what = `final cards of job ${delivery.jobId}`;
    expect(delivery.messages.size, `${what}: messages`).to.equal(1);
    expect(delivery.posts, `${what}: posted as new messages`).to.be.at.most(1);
    expect([...new Set(delivery.statuses)], what).to.deep.equal([status]);
    if (delivery.statuses.length === 1) continue;
    repeatedUpdates += delivery.statuses.length - 1;
    const crash = (options.kills ?? []).find((at) => at >= delivery.firstAt);
    expect(crash, `${what}: repeated without an instance dying after the first delivery`).to.be.a('number');
  }
  return { repeatedUpdates };
}

/** Job ids that got a first (posted, not updated) job card. */
export function postedJobIds(requests: readonly RecordedRequest[]): Set<string> {
  const ids = new Set<string>();
  for (const request of requests) {
    const record = request.operation !== 'update' ? jobCardOf(request) : undefined;
    if (record) ids.add(record.jobId);
  }
  return ids;
}

/**
 * Resolves when `count` distinct jobs had a job card matching `shows` accepted (event-driven,
 * bounded): e.g. every job posted, every job running or finished, every job final.
 */
export async function waitForJobCards(
  recorder: ConnectorRecorder,
  count: number,
  shows: (record: JobCardRecord) => boolean,
  options: { timeoutMs: number; description: string },
): Promise<void> {
  const seen = new Set<string>();
  try {
    await recorder.waitFor(
      (request) => {
        const record = jobCardOf(request);
        if (record && shows(record)) seen.add(record.jobId);
        return seen.size >= count;
      },
      { timeoutMs: options.timeoutMs, description: `${options.description} of ${count} jobs` },
    );
  } catch (error) {
    const latest = new Map<string, string>();
    for (const request of recorder.requests) {
      const record = jobCardOf(request);
      if (record && !seen.has(record.jobId)) latest.set(record.jobId, record.status);
    }
    const missing = [...latest].map(([jobId, status]) => `${jobId} (${status})`).join(', ');
    throw new Error(`${options.description}: ${seen.size} of ${count} jobs after ${options.timeoutMs} ms; last seen of the others: ${missing || 'none'}`, { cause: error });
  }
}

export function waitForFinalCards(recorder: ConnectorRecorder, count: number, timeoutMs: number): Promise<void> {
  return waitForJobCards(recorder, count, isFinalCard, { timeoutMs, description: 'final cards' });
}

/** A run is started (its executor job id stored) once its card shows it running: the tracker writes the id first. */
export function isStartedCard(record: JobCardRecord): boolean {
  return record.status === 'Running' || isFinalCard(record);
}

export interface RetryAfterBreach {
  conversationId: string;
  /** When the connector answered 429/503 with Retry-After, and for how long. */
  throttledAt: number;
  retryAfterMs: number;
  /** The request that came too early, and how early. */
  early: RecordedRequest;
  earlyByMs: number;
}

/**
 * Requests that reached a conversation while a Retry-After the connector gave for that
 * conversation was still running. Requests that were already on their way when the throttling
 * answer left (sent before it, arriving within `inFlightMs`) do not count.
 */
export function retryAfterBreaches(requests: readonly RecordedRequest[], inFlightMs = 0): RetryAfterBreach[] {
  const breaches: RetryAfterBreach[] = [];
  for (const throttled of requests) {
    const seconds = throttled.fault?.retryAfterSeconds;
    if (seconds === undefined) continue;
    const until = throttled.receivedAt + seconds * 1000;
    for (const later of requests) {
      if (later.index <= throttled.index || later.conversationId !== throttled.conversationId) continue;
      if (later.receivedAt <= throttled.receivedAt + inFlightMs || later.receivedAt >= until) continue;
      breaches.push({ conversationId: throttled.conversationId, throttledAt: throttled.receivedAt, retryAfterMs: seconds * 1000, early: later, earlyByMs: until - later.receivedAt });
    }
  }
  return breaches;
}
