/**
 * An executor whose runs happen elsewhere and keep running until cancelled, the way Azure
 * Automation jobs do from the bot's point of view: starting one reports it running with a line
 * of output, and then nothing more until a cancel. It lets P2 and P5 keep 1,000 jobs in
 * Switchboard's tracking (store, leases, card updates) without 1,000 processes on this machine
 * competing for the CPU being measured.
 */
import type { ExecutionEvent, ExecutionListener, ExecutionSpec, Executor } from '../../src/execution/executor.js';

export class HeldExecutor implements Executor {
  private readonly held = new Map<string, ExecutionListener>();

  constructor(readonly name: string) {}

  /** Runs accepted and not yet cancelled or detached. */
  get heldCount(): number {
    return this.held.size;
  }

  async start(spec: ExecutionSpec, listener: ExecutionListener): Promise<string> {
    const executorJobId = `held-${spec.jobId}`;
    this.held.set(executorJobId, listener);
    // Events follow the accepted start, as with a real executor's first poll.
    setImmediate(() => {
      this.emit(executorJobId, { kind: 'status', status: 'running', executorStatus: 'Running', at: new Date().toISOString() });
      this.emit(executorJobId, { kind: 'output', stream: 'output', text: `${spec.runbook.name} is running`, at: new Date().toISOString() });
    });
    return executorJobId;
  }

  async cancel(executorJobId: string): Promise<void> {
    setImmediate(() => {
      this.emit(executorJobId, { kind: 'finished', status: 'cancelled', executorStatus: 'Stopped', at: new Date().toISOString() });
      this.held.delete(executorJobId);
    });
  }

  async reattach(_jobId: string, executorJobId: string, listener: ExecutionListener): Promise<void> {
    this.held.set(executorJobId, listener);
  }

  detach(executorJobId: string): void {
    this.held.delete(executorJobId);
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.held.clear();
  }

  private emit(executorJobId: string, event: ExecutionEvent): void {
    this.held.get(executorJobId)?.(event);
  }
}
