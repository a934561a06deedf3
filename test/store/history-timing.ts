/**
 * Timing script (not a test): history and listJobs latency with 100,000 jobs in SQLite.
 * Run: npx tsx test/store/history-timing.ts
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { JobStatus } from '../../src/domain/job.js';
import { silentLogger } from '../../src/logging/logger.js';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.js';

const JOBS = 100_000;
const RUNBOOKS = 1_000;
const QUERIES = 2_000;
const STATUSES: JobStatus[] = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'running'];

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * Wall time includes waiting for a CPU when other processes are busy; CPU time shows the cost of
 * the query itself. Both are printed so a loaded machine is recognisable in the figures.
 */
async function time(label: string, query: (i: number) => Promise<unknown>): Promise<void> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < QUERIES; i++) {
    const startCpu = process.cpuUsage();
    const start = performance.now();
    await query(i);
    wall.push(performance.now() - start);
    const used = process.cpuUsage(startCpu);
    cpu.push((used.user + used.system) / 1000);
  }
  wall.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const fmt = (ms: number) => `${ms.toFixed(3)} ms`;
  console.log(
    `${label.padEnd(52)} wall p50 ${fmt(percentile(wall, 50))} p99 ${fmt(percentile(wall, 99))} | cpu p50 ${fmt(percentile(cpu, 50))} p99 ${fmt(percentile(cpu, 99))}`,
  );
}

const dir = mkdtempSync(path.join(tmpdir(), 'switchboard-history-'));
const store = new SqliteStore(path.join(dir, 'history.db'), silentLogger());
await store.init();
try {
  const base = Date.parse('2023-01-01T00:00:00Z');
  const loadStart = performance.now();
  for (let i = 0; i < JOBS; i++) {
    // Skewed like real use: a few runbooks run far more often than the rest.
    const runbook = `Runbook-${Math.floor(RUNBOOKS * Math.random() ** 3)}`;
    await store.createJob({
      id: `j${i.toString(36)}`,
      runbook,
      parameters: { Server: `web${i % 40}`, Pool: 'api', Password: '••••••', Retries: i % 5 },
      requester: { id: `29:user${i % 200}`, name: `User ${i % 200}` },
      conversationKey: `19:channel${i % 50}@thread.tacv2`,
      target: 'local',
      executor: 'local',
      status: STATUSES[i % STATUSES.length],
      createdAt: new Date(base + i * 60_000).toISOString(),
    });
  }
  console.log(`loaded ${JOBS} jobs over ${RUNBOOKS} runbooks in ${((performance.now() - loadStart) / 1000).toFixed(1)} s`);
  await time('warm-up (not counted)', (i) => store.history(`Runbook-${i % RUNBOOKS}`));
  await time('history(hot runbook, 20)', () => store.history('runbook-0'));
  await time('history(random runbook, 20)', (i) => store.history(`RUNBOOK-${(i * 7919) % RUNBOOKS}`));
  await time('listJobs({requesterId, limit 10})', (i) => store.listJobs({ requesterId: `29:user${i % 200}`, limit: 10 }));
  await time('listJobs({conversationKey, limit 10})', (i) => store.listJobs({ conversationKey: `19:channel${i % 50}@thread.tacv2`, limit: 10 }));
  await time('listJobs({statuses: [running], limit 50})', () => store.listJobs({ statuses: ['running'], limit: 50 }));
  await time('listJobs({requesterId, statuses: [failed], limit 10})', (i) =>
    store.listJobs({ requesterId: `29:user${i % 200}`, statuses: ['failed'], limit: 10 }),
  );
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
