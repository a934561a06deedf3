/**
 * Time as the job layer sees it. Rate limits, backoff, leases and expiries are all about time;
 * taking the clock as a dependency lets tests drive minutes of it in milliseconds.
 */
export type TimerHandle = { readonly timer: unknown };

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  setTimeout(callback: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (callback, ms) => ({ timer: setTimeout(callback, Math.max(0, ms)) }),
  clearTimeout: (handle) => clearTimeout(handle.timer as NodeJS.Timeout),
};
