/**
 * A sliding-window log limiter: it remembers when each event happened and answers how long to
 * wait before one more event keeps every window within its limit. Unlike fixed buckets, a burst
 * at a bucket edge can never put twice the limit into one real window, which is what a server
 * counting over sliding windows (Teams) would see.
 */
export interface WindowLimit {
  windowMs: number;
  max: number;
}

export class SlidingWindow {
  private readonly times: number[] = [];
  private readonly longestMs: number;

  constructor(private readonly limits: readonly WindowLimit[]) {
    this.longestMs = Math.max(0, ...limits.map((l) => l.windowMs));
  }

  /** Milliseconds until one more event is allowed (0: now). */
  waitMs(now: number): number {
    this.forget(now);
    let wait = 0;
    for (const { windowMs, max } of this.limits) {
      const inWindow = this.countSince(now - windowMs);
      if (inWindow >= max) {
        // The event that has to leave the window before one more fits.
        const leaving = this.times[this.times.length - max];
        wait = Math.max(wait, leaving + windowMs - now);
      }
    }
    return wait;
  }

  record(now: number): void {
    this.times.push(now);
  }

  /** True when no remembered event can still count against a limit. */
  idle(now: number): boolean {
    this.forget(now);
    return this.times.length === 0;
  }

  private countSince(start: number): number {
    let count = 0;
    for (let i = this.times.length - 1; i >= 0 && this.times[i] > start; i--) count++;
    return count;
  }

  private forget(now: number): void {
    let drop = 0;
    while (drop < this.times.length && this.times[drop] <= now - this.longestMs) drop++;
    if (drop) this.times.splice(0, drop);
  }
}
