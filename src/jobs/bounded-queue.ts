/**
 * Runs at most `limit` tasks at once, the rest in arrival order as earlier ones finish. Used for
 * executor starts: hundreds of runs submitted within seconds must not all start at once (each
 * start is a Resource Manager write with its own connection, then card and store updates, all
 * on the event loop that answers Teams), and Azure Automation accepts only so many new jobs per
 * account at a time anyway.
 */
export class BoundedQueue {
  private active = 0;
  private readonly waiting: ((handedSlot: boolean) => void)[] = [];
  private closed = false;

  constructor(private readonly limit: number) {}

  /** Runs `task` in its turn; resolves false, without running it, if the queue closed first. */
  async run(task: () => Promise<void>): Promise<boolean> {
    if (this.closed) return false;
    if (this.active < this.limit) this.active++;
    else {
      // A finishing task hands its slot straight to the next waiter (active stays the same);
      // close() wakes the waiters without one.
      const handedSlot = await new Promise<boolean>((resolve) => this.waiting.push(resolve));
      if (!handedSlot) return false;
    }
    try {
      await task();
      return true;
    } finally {
      const next = this.waiting.shift();
      if (next) next(true);
      else this.active--;
    }
  }

  /** Tasks still waiting are dropped (their run() resolves false); running ones finish. */
  close(): void {
    this.closed = true;
    for (const wake of this.waiting.splice(0)) wake(false);
  }
}
