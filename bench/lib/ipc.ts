/**
 * A tiny request/answer protocol over Node's IPC channel between the bench (parent) and a
 * server it started (child): the child announces itself with `ready`, then answers named
 * requests. Measurements that must happen inside the server (its RSS, its job counts, a timed
 * loop over its own catalog) are asked for this way, so nothing of the parent's load generator
 * runs in the measured process.
 */
import type { ChildProcess } from 'node:child_process';
import v8 from 'node:v8';

export interface ReadyMessage {
  type: 'ready';
  /** Base URL when the child serves HTTP. */
  url?: string;
  [key: string]: unknown;
}

interface RequestMessage {
  type: 'request';
  id: number;
  name: string;
  args: unknown;
}

interface AnswerMessage {
  type: 'answer';
  id: number;
  result?: unknown;
  error?: string;
}

export type RequestHandlers = Record<string, (args: never) => unknown>;

/** Child side: announce readiness and answer requests until the parent disconnects. */
export function serveParent(ready: Omit<ReadyMessage, 'type'>, handlers: RequestHandlers): void {
  if (!process.send) throw new Error('This bench server must be started by bench/run.ts (it needs an IPC channel).');
  process.on('message', (message: RequestMessage) => {
    if (message?.type !== 'request') return;
    const handler = handlers[message.name] as ((args: unknown) => unknown) | undefined;
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown request "${message.name}"`);
        return handler(message.args);
      })
      .then(
        (result) => process.send!({ type: 'answer', id: message.id, result } satisfies AnswerMessage),
        (error: unknown) => process.send!({ type: 'answer', id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies AnswerMessage),
      );
  });
  process.send({ type: 'ready', ...ready } satisfies ReadyMessage);
}

/** Parent side: requests to one child, matched to answers by id. */
export class ChildChannel {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();

  constructor(private readonly child: ChildProcess) {
    child.on('message', (message: AnswerMessage) => {
      if (message?.type !== 'answer') return;
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter.reject(new Error(`bench server: ${message.error}`));
      else waiter.resolve(message.result);
    });
    child.once('exit', (code, signal) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`bench server exited (${code ?? signal}) before answering`));
      this.pending.clear();
    });
  }

  request<T>(name: string, args: unknown = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.child.send({ type: 'request', id, name, args } satisfies RequestMessage);
    });
  }
}

export interface MemoryReading {
  rssMB: number;
  /** After a full garbage collection: what the JavaScript heap holds, and what lives outside it. */
  afterGc: { rssMB: number; heapUsedMB: number; heapTotalMB: number; externalMB: number; arrayBuffersMB: number };
  /** V8's heap spaces after that collection: size committed and used (MB), e.g. new_space, old_space. */
  heapSpaces: Record<string, { sizeMB: number; usedMB: number }>;
}

/** The `cpu` request every bench server answers: CPU time used so far (user + system, all threads), in ms. */
export function cpuMilliseconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** The `memory` request every bench server answers (MB; the GC runs when node has --expose-gc). */
export function memoryReading(): MemoryReading {
  const mb = (bytes: number) => Math.round((bytes / 1024 ** 2) * 10) / 10;
  const rssMB = mb(process.memoryUsage().rss);
  (globalThis as { gc?: () => void }).gc?.();
  const after = process.memoryUsage();
  return {
    rssMB,
    afterGc: { rssMB: mb(after.rss), heapUsedMB: mb(after.heapUsed), heapTotalMB: mb(after.heapTotal), externalMB: mb(after.external), arrayBuffersMB: mb(after.arrayBuffers) },
    heapSpaces: Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, { sizeMB: mb(s.space_size), usedMB: mb(s.space_used_size) }])),
  };
}
