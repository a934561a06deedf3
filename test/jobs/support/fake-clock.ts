import type { Clock, TimerHandle } from '../../../src/jobs/clock.js';

interface Timer {
  at: number;
  seq: number;
  callback: () => void;
}

/** Lets every promise chain that is ready run to its next wait. */
export async function settle(rounds = 3): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Virtual time: timers fire only when a test advances the clock. */
export class FakeClock implements Clock {
  private time: number;
  private seq = 0;
  private timers = new Set<Timer>();

  constructor(start = Date.parse('2025-03-31T08:00:00Z')) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimeout(callback: () => void, ms: number): TimerHandle {
    const timer = { at: this.time + Math.max(0, ms), seq: this.seq++, callback };
    this.timers.add(timer);
    return { timer };
  }

  clearTimeout(handle: TimerHandle): void {
    this.timers.delete(handle.timer as Timer);
  }

  pendingTimers(): number {
    return this.timers.size;
  }

  /** Moves time forward, firing due timers in order and letting promises settle between them. */
  async advance(ms: number): Promise<void> {
    const end = this.time + ms;
    for (;;) {
      await settle();
      const next = [...this.timers].filter((t) => t.at <= end).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!next) break;
      this.timers.delete(next);
      this.time = Math.max(this.time, next.at);
      next.callback();
    }
    this.time = end;
    await settle();
  }

  /** Advances in steps until the condition holds; fails after maxMs of virtual time. */
  async advanceUntil(condition: () => boolean, maxMs: number, stepMs = 100): Promise<number> {
    const start = this.time;
    while (!condition()) {
      if (this.time - start >= maxMs) throw new Error(`condition not met within ${maxMs} ms of virtual time`);
      await this.advance(stepMs);
    }
    return this.time - start;
  }
}
