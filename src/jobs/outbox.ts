/**
 * The only way the job layer talks to Teams: a Messenger that queues per conversation and keeps
 * within Teams' documented limits, so a busy job never gets the bot throttled.
 *
 * - Pacing: a sliding-window limiter per conversation (Teams: 7 per 1 s, 8 per 2 s, 60 per 30 s,
 *   1800 per hour, per bot per thread) and one for all conversations (50 requests per second per
 *   app and tenant). A message waits until every window has room.
 * - Coalescing: a card shows only its latest state, so an update that is still waiting is replaced
 *   by a newer update of the same activity; only the newest is sent. Sends are never merged.
 * - Retries: 429, 412, 502, 504 and network faults are retried with exponential backoff and
 *   jitter, waiting at least what Retry-After asked. The conversation pauses meanwhile (a 429 is
 *   about that thread), keeping its messages in order.
 * - Final messages (the last state of a job card) get more attempts and are never replaced by a
 *   later intermediate update. If they still fail the caller hears about it and keeps the job's
 *   finalCardSent unset, so the card is delivered after a restart instead of being lost.
 */
import type { ConversationInfo } from '../domain/conversation.js';
import type { Messenger, OutgoingMessage } from '../domain/message.js';
import type { Logger } from '../logging/logger.js';
import { systemClock, type Clock, type TimerHandle } from './clock.js';
import { DeliveryError, toDeliveryError } from './delivery-error.js';
import { SlidingWindow, type WindowLimit } from './sliding-window.js';

export interface DeliveryOptions {
  /** The last message of its kind (a job's final card): retried longer, never coalesced away. */
  final?: boolean;
}

/** A Messenger that paces and retries; what JobService needs. */
export interface QueuedMessenger extends Messenger {
  send(conversation: ConversationInfo, message: OutgoingMessage, options?: DeliveryOptions): Promise<string>;
  update(conversation: ConversationInfo, activityId: string, message: OutgoingMessage, options?: DeliveryOptions): Promise<void>;
  /** Waits until everything queued was delivered or given up, at most timeoutMs; returns what is still queued. */
  drain(timeoutMs?: number): Promise<number>;
  /** Messages waiting or in flight, across conversations. */
  depth(): number;
}

/** Per bot per thread limits for "send to conversation" from the Teams rate-limit documentation. */
export const TEAMS_CONVERSATION_LIMITS: readonly WindowLimit[] = [
  { windowMs: 1_000, max: 7 },
  { windowMs: 2_000, max: 8 },
  { windowMs: 30_000, max: 60 },
  { windowMs: 3_600_000, max: 1_800 },
];
/** Global limit per app per tenant. */
export const TEAMS_GLOBAL_LIMITS: readonly WindowLimit[] = [{ windowMs: 1_000, max: 50 }];

export interface OutboxSettings {
  perConversation: readonly WindowLimit[];
  global: readonly WindowLimit[];
  /** Attempts for sends and intermediate updates. */
  maxAttempts: number;
  /** Attempts for final messages. */
  maxAttemptsFinal: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A Retry-After longer than this is capped (a broken header must not park a card for a day). */
  maxRetryAfterMs: number;
}

const DEFAULT_SETTINGS: OutboxSettings = {
  perConversation: TEAMS_CONVERSATION_LIMITS,
  global: TEAMS_GLOBAL_LIMITS,
  maxAttempts: 6,
  maxAttemptsFinal: 12,
  backoffBaseMs: 500,
  backoffMaxMs: 60_000,
  maxRetryAfterMs: 300_000,
};

interface Waiter {
  resolve(activityId: string): void;
  reject(error: DeliveryError): void;
}

interface Item {
  kind: 'send' | 'update';
  conversation: ConversationInfo;
  activityId?: string;
  message: OutgoingMessage;
  final: boolean;
  attempts: number;
  inFlight: boolean;
  waiters: Waiter[];
}

interface Lane {
  items: Item[];
  window: SlidingWindow;
  /** Not before this time (Retry-After / backoff of the head item). */
  pausedUntil: number;
  pumping: boolean;
  timer?: TimerHandle;
}

export interface OutboxDeps {
  clock?: Clock;
  /** Source of jitter; tests pass a fixed one. */
  random?: () => number;
  logger?: Logger;
  settings?: Partial<OutboxSettings>;
}

export class Outbox implements QueuedMessenger {
  private readonly lanes = new Map<string, Lane>();
  private readonly global: SlidingWindow;
  private readonly settings: OutboxSettings;
  private readonly clock: Clock;
  private readonly random: () => number;
  private drainWaiters: (() => void)[] = [];
  private pending = 0;
  private lastSweep = 0;

  constructor(
    private readonly target: Messenger,
    private readonly deps: OutboxDeps = {},
  ) {
    this.settings = { ...DEFAULT_SETTINGS, ...deps.settings };
    this.clock = deps.clock ?? systemClock;
    this.random = deps.random ?? Math.random;
    this.global = new SlidingWindow(this.settings.global);
  }

  send(conversation: ConversationInfo, message: OutgoingMessage, options: DeliveryOptions = {}): Promise<string> {
    return new Promise((resolve, reject) => {
      this.enqueue({ kind: 'send', conversation, message, final: options.final ?? false, attempts: 0, inFlight: false, waiters: [{ resolve, reject }] });
    });
  }

  update(conversation: ConversationInfo, activityId: string, message: OutgoingMessage, options: DeliveryOptions = {}): Promise<void> {
    const final = options.final ?? false;
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = { resolve: () => resolve(), reject };
      const lane = this.lanes.get(conversation.key);
      const waiting = lane?.items.find((i) => i.kind === 'update' && i.activityId === activityId && !i.inFlight);
      if (waiting) {
        // Only the newest state of a card matters; a final state is never replaced by an older-kind one.
        if (final || !waiting.final) waiting.message = message;
        waiting.final ||= final;
        waiting.waiters.push(waiter);
        return;
      }
      this.enqueue({ kind: 'update', conversation, activityId, message, final, attempts: 0, inFlight: false, waiters: [waiter] });
    });
  }

  depth(): number {
    return this.pending;
  }

  drain(timeoutMs = 10_000): Promise<number> {
    if (this.pending === 0) return Promise.resolve(0);
    return new Promise((resolve) => {
      const timer = this.clock.setTimeout(() => finish(), timeoutMs);
      const finish = () => {
        this.clock.clearTimeout(timer);
        this.drainWaiters = this.drainWaiters.filter((w) => w !== finish);
        resolve(this.pending);
      };
      this.drainWaiters.push(finish);
    });
  }

  /** Stops all timers and fails what is still queued (after drain, at shutdown). */
  close(): void {
    for (const lane of this.lanes.values()) {
      if (lane.timer) this.clock.clearTimeout(lane.timer);
      lane.timer = undefined;
      for (const item of [...lane.items].filter((i) => !i.inFlight))
        this.settle(lane, item, (w) => w.reject(new DeliveryError('Switchboard is shutting down; the message was not sent', undefined, true)));
    }
  }

  private enqueue(item: Item): void {
    const key = item.conversation.key;
    this.forgetIdleLanes();
    let lane = this.lanes.get(key);
    if (!lane) {
      lane = { items: [], window: new SlidingWindow(this.settings.perConversation), pausedUntil: 0, pumping: false };
      this.lanes.set(key, lane);
    }
    lane.items.push(item);
    this.pending++;
    this.pump(key, lane);
  }

  /** Lanes remember send times for the longest window; drop the ones with nothing left to limit. */
  private forgetIdleLanes(): void {
    const now = this.clock.now();
    if (now - this.lastSweep < 60_000) return;
    this.lastSweep = now;
    for (const [key, lane] of this.lanes) {
      if (!lane.items.length && !lane.pumping && !lane.timer && lane.window.idle(now)) this.lanes.delete(key);
    }
  }

  private pump(key: string, lane: Lane): void {
    if (lane.pumping || lane.timer) return;
    lane.pumping = true;
    void this.run(key, lane).finally(() => {
      lane.pumping = false;
    });
  }

  private async run(key: string, lane: Lane): Promise<void> {
    while (lane.items.length) {
      const now = this.clock.now();
      const wait = Math.max(lane.pausedUntil - now, lane.window.waitMs(now), this.global.waitMs(now));
      if (wait > 0) {
        lane.timer = this.clock.setTimeout(() => {
          lane.timer = undefined;
          this.pump(key, lane);
        }, wait);
        return;
      }
      this.global.record(now);
      await this.attempt(lane, lane.items[0]);
      // Counted when the attempt ends, not when it began: the connector client retries 429/5xx
      // inside one attempt, so a message can reach Teams seconds after it left the queue, and the
      // messages behind it must not be sent as if that one were long past.
      lane.window.record(this.clock.now());
    }
  }

  private async attempt(lane: Lane, item: Item): Promise<void> {
    item.inFlight = true;
    item.attempts++;
    try {
      const activityId =
        item.kind === 'send'
          ? await this.target.send(item.conversation, item.message)
          : (await this.target.update(item.conversation, item.activityId!, item.message), item.activityId!);
      this.settle(lane, item, (w) => w.resolve(activityId));
    } catch (raw) {
      item.inFlight = false;
      const error = toDeliveryError(raw, this.clock.now());
      const limit = item.final ? this.settings.maxAttemptsFinal : this.settings.maxAttempts;
      if (error.transient && (this.supersede(lane, item) || item.attempts < limit)) {
        // The pause applies to the whole conversation: a 429 is about this thread.
        const delay = this.retryDelay(error, item.attempts);
        lane.pausedUntil = this.clock.now() + delay;
        this.deps.logger?.warn(
          { conversation: item.conversation.key, status: error.statusCode, attempt: item.attempts, delayMs: delay },
          'message delivery will be retried',
        );
        return;
      }
      this.deps.logger?.error(
        { conversation: item.conversation.key, status: error.statusCode, attempts: item.attempts, final: item.final, err: error.message },
        'message delivery failed',
      );
      this.settle(lane, item, (w) => w.reject(error));
    }
  }

  /**
   * A failed update that a newer waiting update of the same card already replaces is not retried:
   * its callers are answered when the newer state is delivered.
   */
  private supersede(lane: Lane, item: Item): boolean {
    if (item.kind !== 'update') return false;
    const newer = lane.items.find((i) => i !== item && i.kind === 'update' && i.activityId === item.activityId && !i.inFlight);
    if (!newer) return false;
    if (item.final && !newer.final) newer.message = item.message;
    newer.final ||= item.final;
    newer.waiters.push(...item.waiters);
    lane.items.splice(lane.items.indexOf(item), 1);
    this.pending--;
    return true;
  }

  /** Exponential backoff with jitter, never shorter than what Retry-After asked for. */
  private retryDelay(error: DeliveryError, attempt: number): number {
    const { backoffBaseMs, backoffMaxMs, maxRetryAfterMs } = this.settings;
    const exponential = Math.min(backoffMaxMs, backoffBaseMs * 2 ** (attempt - 1));
    const jittered = exponential / 2 + (this.random() * exponential) / 2;
    const asked = Math.min(error.retryAfterMs ?? 0, maxRetryAfterMs);
    return Math.ceil(Math.max(jittered, asked + this.random() * Math.min(1000, asked / 10)));
  }

  private settle(lane: Lane, item: Item, notify: (waiter: Waiter) => void): void {
    lane.items.splice(lane.items.indexOf(item), 1);
    this.pending--;
    item.waiters.forEach(notify);
    if (this.pending === 0) [...this.drainWaiters].forEach((finish) => finish());
  }
}
