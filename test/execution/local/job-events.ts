/**
 * Records what an executor reports for one job and lets a test await a moment in it — the
 * finished event, a first output line — with a bounded wait instead of a sleep.
 */
import fs from 'node:fs';
import type { ExecutionEvent, ExecutionListener } from '../../../src/execution/executor.js';

export type Finished = Extract<ExecutionEvent, { kind: 'finished' }>;

export class JobEvents {
  readonly events: ExecutionEvent[] = [];
  private waiters: { check: () => boolean; resolve: () => void }[] = [];

  readonly listener: ExecutionListener = (event) => {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.check()) return true;
      waiter.resolve();
      return false;
    });
  };

  /** All text reported for one stream, in order. */
  text(stream: 'output' | 'error' | 'warning' = 'output'): string {
    return this.events.map((e) => (e.kind === 'output' && e.stream === stream ? e.text : '')).join('');
  }

  of<K extends ExecutionEvent['kind']>(kind: K): Extract<ExecutionEvent, { kind: K }>[] {
    return this.events.filter((e): e is Extract<ExecutionEvent, { kind: K }> => e.kind === kind);
  }

  until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.check !== check);
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; events: ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      this.waiters.push({ check, resolve: () => (clearTimeout(timer), resolve()) });
    });
  }

  async finished(timeoutMs?: number): Promise<Finished> {
    await this.until(() => this.of('finished').length > 0, 'the finished event', timeoutMs);
    return this.of('finished')[0];
  }
}

/** A process that exists and is not a zombie (a killed orphan may linger unreaped as one). */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

/** Polls a condition that has no event of its own (a pid disappearing, a file appearing). */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
