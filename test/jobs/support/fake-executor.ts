import type { ExecutionEvent, ExecutionListener, ExecutionSpec, Executor } from '../../../src/execution/executor.js';

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

interface Started {
  spec: ExecutionSpec;
  listener: ExecutionListener;
  accepted: Deferred<string>;
}

/**
 * An executor whose every step the test controls: start() waits until the test accepts or
 * refuses it, events are pushed by the test, and every call is recorded.
 */
export class FakeExecutor implements Executor {
  readonly started: Started[] = [];
  readonly cancelled: string[] = [];
  readonly detached: string[] = [];
  readonly reattached: { jobId: string; executorJobId: string; listener: ExecutionListener }[] = [];
  reattachError?: Error;
  cancelError?: Error;

  constructor(readonly name = 'fake') {}

  start(spec: ExecutionSpec, listener: ExecutionListener): Promise<string> {
    const accepted = deferred<string>();
    this.started.push({ spec, listener, accepted });
    return accepted.promise;
  }

  /** The run of a job, once start() was called for it. */
  run(jobId: string): Started {
    const run = this.started.find((s) => s.spec.jobId === jobId);
    if (!run) throw new Error(`start() was not called for ${jobId}`);
    return run;
  }

  /** Sends an event to whoever listens for the job now (the starter or the last reattacher). */
  emit(jobId: string, event: ExecutionEvent): void {
    const listener = [...this.reattached].reverse().find((r) => r.jobId === jobId)?.listener ?? this.run(jobId).listener;
    listener(event);
  }

  async cancel(executorJobId: string): Promise<void> {
    this.cancelled.push(executorJobId);
    if (this.cancelError) throw this.cancelError;
  }

  async reattach(jobId: string, executorJobId: string, listener: ExecutionListener): Promise<void> {
    if (this.reattachError) throw this.reattachError;
    this.reattached.push({ jobId, executorJobId, listener });
  }

  detach(executorJobId: string): void {
    this.detached.push(executorJobId);
  }

  async ready(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {}
}
