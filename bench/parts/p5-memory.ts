/**
 * P5 — memory: resident set size of the Switchboard server holding the generated catalog and
 * every job P2 left running in the Azure Automation fake (each tracked: job row, lease, job
 * tracker, the Azure executor's batched tracker, card state), against the echo bot after its own
 * load. Both are read by the process itself (process.memoryUsage().rss), first as they are, then
 * after a full garbage collection (the servers run with --expose-gc), which separates memory in
 * use from heap the collector has not given back yet.
 *
 * Switchboard is read twice: right after P2's burst of 1,000 submits, and again once it has
 * tracked those jobs for `settleSeconds`. The burst grows V8's heap (old space committed about
 * twice what is used); V8's memory reducer hands that back only after several seconds of calm
 * allocation, so the first reading measures the burst's residue and the second what holding
 * 1,000 runbooks and 1,000 tracked jobs costs — the state the target is about. Both are reported.
 */
import type { MemoryReading } from '../lib/ipc.js';
import type { ServerProcess } from '../lib/server-process.js';

export interface P5Settings {
  /** Seconds of steady tracking before the second reading. */
  settleSeconds: number;
}

export interface P5Result {
  settings: P5Settings;
  echo: MemoryReading;
  /** Holding the catalog and the tracked jobs, `settleSeconds` after the burst (the target's reading). */
  switchboard: MemoryReading & { runbooks: number; trackedJobs: number };
  /** Right after P2's submits. */
  switchboardAfterBurst: MemoryReading;
  /** RSS at start-up, before any request (Switchboard: catalog loaded, no jobs). */
  switchboardAtStartMB: number;
  echoAtStartMB: number;
  /** Switchboard RSS ÷ echo RSS (as they are). */
  ratio: number;
}

export async function readMemory(server: ServerProcess): Promise<MemoryReading> {
  return server.channel.request<MemoryReading>('memory');
}

export async function measureMemory(
  echo: ServerProcess,
  switchboard: ServerProcess,
  atStart: { echoMB: number; switchboardMB: number },
  settings: P5Settings,
): Promise<P5Result> {
  const switchboardAfterBurst = await readMemory(switchboard);
  // A bench, not a test: the wait is the steady state being measured, not a stand-in for an event.
  await new Promise((resolve) => setTimeout(resolve, settings.settleSeconds * 1000));
  const jobs = await switchboard.channel.request<{ running: number }>('jobs');
  const echoMemory = await readMemory(echo);
  const switchboardMemory = await readMemory(switchboard);
  return {
    settings,
    echo: echoMemory,
    switchboard: { ...switchboardMemory, runbooks: Number(switchboard.ready.runbooks), trackedJobs: jobs.running },
    switchboardAfterBurst,
    switchboardAtStartMB: atStart.switchboardMB,
    echoAtStartMB: atStart.echoMB,
    ratio: switchboardMemory.rssMB / echoMemory.rssMB,
  };
}
