/**
 * Small writes that arrive close together share one transaction. SQLite spends most of a lone
 * small write on committing it (on this VM an upsert alone took 29 µs, in fives 11 µs each), and
 * under load many turns each save a conversation at the same moment. Writes asked for during one
 * turn of the event loop are committed together at its end; every caller's promise settles when
 * the transaction holding its write has committed (or failed), so an awaited save is as durable as
 * before. A later write of the same key replaces a pending one.
 */
export class GroupCommit<V> {
  private readonly pending = new Map<string, V>();
  private batch?: { done: Promise<void>; settle: (error?: unknown) => void };

  /** `writeAll` writes the values in one transaction, synchronously, or throws. */
  constructor(private readonly writeAll: (values: V[]) => void) {}

  write(key: string, value: V): Promise<void> {
    this.pending.set(key, value);
    if (!this.batch) {
      let settle!: (error?: unknown) => void;
      const done = new Promise<void>((resolve, reject) => {
        settle = (error) => (error === undefined ? resolve() : reject(error));
      });
      this.batch = { done, settle };
      setImmediate(() => this.flush());
    }
    return this.batch.done;
  }

  /** Commits what is pending now: before a read that must see it, and before closing. */
  flush(): void {
    const batch = this.batch;
    if (!batch) return;
    this.batch = undefined;
    const values = [...this.pending.values()];
    this.pending.clear();
    try {
      this.writeAll(values);
      batch.settle();
    } catch (error) {
      batch.settle(error);
    }
  }
}
