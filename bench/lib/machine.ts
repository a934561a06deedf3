/** The machine a run was measured on, printed with the table and kept in the JSON. */
import os from 'node:os';

export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  platform: string;
  memoryGB: number;
  /** 1-minute load average when the run started: other work competing for the same cores. */
  loadAverage: number;
}

export function describeMachine(): Machine {
  const cpus = os.cpus();
  return {
    nproc: os.availableParallelism(),
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    memoryGB: Math.round(os.totalmem() / 1024 ** 3),
    loadAverage: Number(os.loadavg()[0].toFixed(2)),
  };
}
