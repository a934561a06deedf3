/**
 * Starts a compiled bench server as a child process with an IPC channel and waits for its
 * `ready` message. Every server under test runs this way, so the load generator (autocannon, in
 * the parent) never shares an event loop with what it measures.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { ChildChannel, type ReadyMessage } from './ipc.js';

export interface ServerProcess {
  readonly child: ChildProcess;
  readonly ready: ReadyMessage;
  readonly channel: ChildChannel;
  /** CPU time the server used so far (ms): the cost of a load run, whatever else the machine was doing. */
  cpuMs(): Promise<number>;
  /** Asks the child to stop (SIGTERM) and resolves once it exited. */
  stop(): Promise<void>;
}

export interface StartOptions {
  env?: Record<string, string>;
  /** Extra node flags, e.g. --cpu-prof (bench/run.ts --profile). */
  nodeArgs?: string[];
  timeoutMs?: number;
}

export async function startServerProcess(file: string, options: StartOptions = {}): Promise<ServerProcess> {
  const { env = {}, nodeArgs = [], timeoutMs = 60_000 } = options;
  const child = spawn(process.execPath, [...nodeArgs, file], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (output.length > 200) output.shift();
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = await new Promise<ReadyMessage>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${file} was not ready within ${timeoutMs} ms:\n${output.join('')}`));
    }, timeoutMs);
    child.on('message', (message: ReadyMessage) => {
      if (message?.type !== 'ready') return;
      clearTimeout(timer);
      resolve(message);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${file} exited (${code ?? signal}) before it was ready:\n${output.join('')}`));
    });
  });
  const channel = new ChildChannel(child);
  return {
    child,
    ready,
    channel,
    cpuMs: () => channel.request<number>('cpu'),
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await exited;
      clearTimeout(killer);
    },
  };
}
