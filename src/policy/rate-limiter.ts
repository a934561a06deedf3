/**
 * Token-bucket rate limits per user and per conversation, so one person (or one runaway script
 * posting to the bot) cannot flood the executors or a channel. A request spends one token from
 * both buckets or from neither; when refused, the answer says how long to wait.
 */
export interface RateLimit {
  /** Requests allowed at once after a quiet period (bucket size). */
  burst: number;
  /** Sustained rate: tokens added per minute. */
  perMinute: number;
}

export interface RateLimiterOptions {
  perUser?: RateLimit;
  perConversation?: RateLimit;
  /** Buckets remembered before idle (full) ones are forgotten. Default 10 000. */
  maxTracked?: number;
  now?: () => number;
}

export type RateCheck =
  | { ok: true }
  | {
      ok: false;
      /** Whole seconds until a retry will be accepted (≥ 1). */
      retryAfterSeconds: number;
      /** Which limit was hit. */
      scope: 'user' | 'conversation';
      /** A friendly sentence for the user. */
      message: string;
    };

export const DEFAULT_USER_LIMIT: RateLimit = { burst: 10, perMinute: 20 };
export const DEFAULT_CONVERSATION_LIMIT: RateLimit = { burst: 30, perMinute: 60 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

class Buckets {
  private readonly buckets = new Map<string, Bucket>();
  private readonly perMs: number;

  constructor(
    private readonly limit: RateLimit,
    private readonly maxTracked: number,
  ) {
    if (!(limit.burst >= 1) || !(limit.perMinute > 0)) throw new RangeError('A rate limit needs burst ≥ 1 and perMinute > 0.');
    this.perMs = limit.perMinute / 60_000;
  }

  /** Milliseconds until one token is available (0: available now), after refilling. */
  waitMs(key: string, now: number): number {
    const bucket = this.refill(key, now);
    return bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / this.perMs;
  }

  take(key: string): void {
    this.buckets.get(key)!.tokens -= 1;
  }

  private refill(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= this.maxTracked) this.forgetIdle(now);
      bucket = { tokens: this.limit.burst, updatedAt: now };
      this.buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(this.limit.burst, bucket.tokens + (now - bucket.updatedAt) * this.perMs);
    bucket.updatedAt = now;
    return bucket;
  }

  /** A bucket that has refilled completely behaves exactly like a new one, so it can go. */
  private forgetIdle(now: number): void {
    for (const [key, bucket] of this.buckets) {
      if (bucket.tokens + (now - bucket.updatedAt) * this.perMs >= this.limit.burst) this.buckets.delete(key);
    }
  }
}

export class RateLimiter {
  private readonly users: Buckets;
  private readonly conversations: Buckets;
  private readonly now: () => number;

  constructor(options: RateLimiterOptions = {}) {
    const maxTracked = options.maxTracked ?? 10_000;
    this.users = new Buckets(options.perUser ?? DEFAULT_USER_LIMIT, maxTracked);
    this.conversations = new Buckets(options.perConversation ?? DEFAULT_CONVERSATION_LIMIT, maxTracked);
    this.now = options.now ?? Date.now;
  }

  /** Spends one request for this user in this conversation, or says how long to wait. */
  check(userId: string, conversationKey: string): RateCheck {
    const now = this.now();
    const userWait = this.users.waitMs(userId, now);
    const conversationWait = this.conversations.waitMs(conversationKey, now);
    if (userWait === 0 && conversationWait === 0) {
      this.users.take(userId);
      this.conversations.take(conversationKey);
      return { ok: true };
    }
    const scope = userWait >= conversationWait ? 'user' : 'conversation';
    const retryAfterSeconds = Math.max(1, Math.ceil(Math.max(userWait, conversationWait) / 1000));
    const wait = `${retryAfterSeconds} second${retryAfterSeconds === 1 ? '' : 's'}`;
    return {
      ok: false,
      retryAfterSeconds,
      scope,
      message:
        scope === 'user'
          ? `You have sent a lot of requests in a short time. Please try again in ${wait}.`
          : `This conversation has had a lot of requests in a short time. Please try again in ${wait}.`,
    };
  }
}
