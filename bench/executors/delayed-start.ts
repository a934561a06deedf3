/**
 * An executor that takes `delayMs` to accept each run, then hands it to the executor it wraps:
 * the slow start P2 measures against (an Azure Automation job create can take seconds). Form
 * submits must be answered long before any start completes.
 */
import type { ExecutionListener, ExecutionSpec, Executor } from '../../src/execution/executor.js';

export class DelayedStartExecutor implements Executor {
  readonly name: string;
  /** Starts asked for so far (the bench checks that submits really went through this executor). */
  startsRequested = 0;
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly inner: Executor,
    private readonly delayMs: number,
  ) {
    this.name = inner.name;
  }

  async start(spec: ExecutionSpec, listener: ExecutionListener): Promise<string> {
    this.startsRequested++;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        resolve();
      }, this.delayMs);
      this.timers.add(timer);
    });
    return this.inner.start(spec, listener);
  }

  cancel(executorJobId: string): Promise<void> {
    return this.inner.cancel(executorJobId);
  }

  reattach(jobId: string, executorJobId: string, listener: ExecutionListener): Promise<void> {
    return this.inner.reattach(jobId, executorJobId, listener);
  }

  detach(executorJobId: string): void {
    this.inner.detach(executorJobId);
  }

  ready(): Promise<boolean> {
    return this.inner.ready();
  }

  close(): Promise<void> {
    // Starts still waiting never complete; the job service has handed its jobs over by now.
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    return this.inner.close();
  }
}
