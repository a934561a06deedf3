/**
 * Limits how many runs one user and one conversation may request, so a loop in someone's
 * automation or a stuck key cannot flood the executors. Checked after validation and policy, so
 * mistakes and refusals do not use up anyone's allowance.
 */
import type { ConversationInfo } from '../domain/conversation.js';
import type { Principal } from '../domain/job.js';
import { SlidingWindow, type WindowLimit } from './sliding-window.js';

export type RateVerdict = { ok: true } | { ok: false; scope: 'user' | 'conversation'; retryAfterSeconds: number };

export interface RequestLimiter {
  /** Counts one request when it is allowed. */
  take(user: Principal, conversation: ConversationInfo, now: number): RateVerdict;
}

export interface RequestLimits {
  perUser: WindowLimit[];
  perConversation: WindowLimit[];
}

export const DEFAULT_REQUEST_LIMITS: RequestLimits = {
  perUser: [{ windowMs: 60_000, max: 10 }],
  perConversation: [{ windowMs: 60_000, max: 30 }],
};

export class SlidingRequestLimiter implements RequestLimiter {
  private readonly users = new Map<string, SlidingWindow>();
  private readonly conversations = new Map<string, SlidingWindow>();

  constructor(private readonly limits: RequestLimits = DEFAULT_REQUEST_LIMITS) {}

  take(user: Principal, conversation: ConversationInfo, now: number): RateVerdict {
    const perUser = this.window(this.users, user.id, this.limits.perUser, now);
    const perConversation = this.window(this.conversations, conversation.key, this.limits.perConversation, now);
    const userWait = perUser.waitMs(now);
    if (userWait > 0) return { ok: false, scope: 'user', retryAfterSeconds: Math.ceil(userWait / 1000) };
    const conversationWait = perConversation.waitMs(now);
    if (conversationWait > 0) return { ok: false, scope: 'conversation', retryAfterSeconds: Math.ceil(conversationWait / 1000) };
    perUser.record(now);
    perConversation.record(now);
    return { ok: true };
  }

  private window(map: Map<string, SlidingWindow>, key: string, limits: WindowLimit[], now: number): SlidingWindow {
    let window = map.get(key);
    if (!window) {
      // Forget idle keys whenever a new one arrives, so the maps stay as small as the active set.
      for (const [other, w] of map) if (w.idle(now)) map.delete(other);
      window = new SlidingWindow(limits);
      map.set(key, window);
    }
    return window;
  }
}
