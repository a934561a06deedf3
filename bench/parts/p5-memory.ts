/**
 * P5 — memory: resident set size of the Switchboard server holding the generated catalog and
 * every job P2 left running in the Azure Automation fake (each tracked: job row, lease, job
 * tracker, the Azure executor's batched tracker, card state), against the echo bot after its own
 * load. Both are read by the process itself (process.memoryUsage().rss),
 * first as they are, then after a full garbage collection (the servers run with --expose-gc),
 * which separates memory in use from heap the collector has not given back yet.
 */
import type { MemoryReading } from '../lib/ipc.js';
import type { ServerProcess } from '../lib/server-process.js';

export interface P5Result {
  echo: MemoryReading;
  switchboard: MemoryReading & { runbooks: number; trackedJobs: number };
  /** RSS at start-up, before any request (Switchboard: catalog loaded, no jobs). */
  switchboardAtStartMB: number;
  echoAtStartMB: number;
  /** Switchboard RSS ÷ echo RSS (as they are). */
  ratio: number;
}

export async function readMemory(server: ServerProcess): Promise<MemoryReading> {
  return server.channel.request<MemoryReading>('memory');
}

export async function measureMemory(echo: ServerProcess, switchboard: ServerProcess, atStart: { echoMB: number; switchboardMB: number }): Promise<P5Result> {
  const jobs = await switchboard.channel.request<{ running: number }>('jobs');
  const echoMemory = await readMemory(echo);
  const switchboardMemory = await readMemory(switchboard);
  return {
    echo: echoMemory,
    switchboard: { ...switchboardMemory, runbooks: Number(switchboard.ready.runbooks), trackedJobs: jobs.running },
    switchboardAtStartMB: atStart.switchboardMB,
    echoAtStartMB: atStart.echoMB,
    ratio: switchboardMemory.rssMB / echoMemory.rssMB,
  };
}
