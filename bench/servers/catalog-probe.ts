/**
 * P3 — the catalog and history measurements, in a fresh process of their own (compiled, plain
 * node) so "cold" means cold: no grammar loaded, nothing parsed, nothing JIT-compiled.
 *
 *   cold parse   createLiveCatalog over the generated scripts (grammars included)
 *                baseline: reading the same files and JSON.parse of a document of the same text
 *   edit → live  one script rewritten (a new revision) until the catalog serves the new version
 *                baseline: a bare fs.watch on the same folder seeing the same write
 *   search       catalog.search over every runbook
 *                baseline: a plain array scan (every word in the lower-cased text) over the same runbooks
 *   history      store.history(runbook) in SQLite holding the history rows (jobs)
 *                baseline: a plain array scan over the same rows in memory
 *
 * Queries and their baselines alternate one by one, so a pause of this shared machine's CPU
 * falls on both alike; wall and CPU time are kept for each.
 */
import { copyFileSync, existsSync, mkdirSync, watch } from 'node:fs';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createLiveCatalog, type LiveCatalog } from '../../src/catalog/live-catalog.js';
import type { Job, JobStatus } from '../../src/domain/job.js';
import type { RunbookDefinition } from '../../src/domain/runbook.js';
import { silentLogger } from '../../src/logging/logger.js';
import { toHistoryEntry } from '../../src/store/history.js';
import { createStore } from '../../src/store/index.js';
import { DEFAULT_HISTORY_LIMIT } from '../../src/store/limits.js';
import { renderScript } from '../generate-scripts.js';
import { memoryReading, serveParent } from '../lib/ipc.js';
import { summarize } from '../lib/stats.js';

export interface CatalogProbeArgs {
  runbooksDir: string;
  /** SQLite file for the history rows. */
  databaseFile: string;
  /**
   * A copy of a database already filled with the same rows by an earlier run (bench/.build/cache);
   * filling 100,000 rows through the store one by one takes longer than everything else in P3.
   */
  historyCacheFile: string;
  edits: number;
  queries: number;
  historyRows: number;
}

const QUERIES = [
  'restart', 'app pool', 'sql', 'certificate', 'incident', 'backup database', 'vmware', 'get-apppool0', 'restart-vip1',
  'chef cookbook', 'disk report', 'sync mailbox', 'netscaler vip', 'server environment', 'no-such-thing', 'daily audit', 'store',
];
const STATUSES: JobStatus[] = ['completed', 'completed', 'completed', 'failed', 'cancelled', 'running'];

async function run(args: CatalogProbeArgs) {
  const logger = silentLogger();

  const coldStarted = performance.now();
  const catalog = await createLiveCatalog({ runbooksDir: args.runbooksDir, logger, watch: true });
  const coldMs = performance.now() - coldStarted;
  const coldBaselineMs = await jsonParseOfSameBytes(args.runbooksDir);

  const edits = await measureEdits(catalog, args);

  const runbooks = catalog.list();
  const queries = Array.from({ length: args.queries }, (_, i) => QUERIES[i % QUERIES.length]);
  const scan = plainScan(runbooks);
  const search = await alternate(args.queries, (i) => catalog.search(queries[i]), (i) => scan(queries[i]));

  const history = await measureHistory(runbooks, args);
  await catalog.close();
  return {
    runbooks: runbooks.length,
    problems: catalog.problems().length,
    cold: { ms: coldMs, baselineMs: coldBaselineMs, ratio: coldMs / coldBaselineMs },
    edit: edits,
    search,
    history,
  };
}

/** Reads the same files and parses a JSON document holding their text: the floor for touching those bytes. */
async function jsonParseOfSameBytes(folder: string): Promise<number> {
  const files = (await readdir(folder)).sort();
  const started = performance.now();
  const texts = await Promise.all(files.map((file) => readFile(path.join(folder, file), 'utf8')));
  const parsed = JSON.parse(JSON.stringify(texts)) as string[];
  if (parsed.length !== files.length) throw new Error('baseline read the wrong number of files');
  return performance.now() - started;
}

/** Rewrites scripts one at a time; each is timed until the catalog serves the new revision, and until a bare fs.watch saw the write. */
async function measureEdits(catalog: LiveCatalog, args: CatalogProbeArgs) {
  const live: number[] = [];
  const watched: number[] = [];
  for (let edit = 0; edit < args.edits; edit++) {
    const index = 100 + edit * 37;
    const script = renderScript(index, edit + 1);
    const name = path.parse(script.file).name;
    const marker = `(revision ${edit + 1})`;
    const started = performance.now();
    const seen = new Promise<number>((resolve) => {
      const watcher = watch(args.runbooksDir, (_event, file) => {
        if (file !== script.file) return;
        watcher.close();
        resolve(performance.now() - started);
      });
    });
    const served = new Promise<number>((resolve) => {
      const unsubscribe = catalog.onChange(() => {
        if (!catalog.get(name)?.synopsis.includes(marker)) return;
        unsubscribe();
        resolve(performance.now() - started);
      });
    });
    await writeFile(path.join(args.runbooksDir, script.file), script.content);
    const [liveMs, watchMs] = await withTimeout(Promise.all([served, seen]), 10_000, `the edit of ${script.file}`);
    live.push(liveMs);
    watched.push(watchMs);
  }
  const liveSummary = summarize(live);
  const baseline = summarize(watched);
  return { ...liveSummary, baseline, maxRatio: liveSummary.max / baseline.max };
}

/** The same lookup without an index: every query word in a lower-cased text of the runbook. */
function plainScan(runbooks: readonly RunbookDefinition[]): (query: string) => RunbookDefinition[] {
  const texts = runbooks.map((r) => [r.name, r.synopsis, r.description, r.category, ...r.tags, ...r.parameters.map((p) => p.name)].join(' ').toLowerCase());
  return (query) => {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return runbooks.filter((_, i) => words.every((word) => texts[i].includes(word)));
  };
}

async function measureHistory(runbooks: readonly RunbookDefinition[], args: CatalogProbeArgs) {
  const rows = historyRows(runbooks, args.historyRows);
  const cached = existsSync(args.historyCacheFile);
  if (cached) copyFileSync(args.historyCacheFile, args.databaseFile);
  const store = await createStore({ kind: 'sqlite', path: args.databaseFile }, silentLogger());
  const loadStarted = performance.now();
  if (!cached) for (const row of rows) await store.createJob(row);
  const loadSeconds = (performance.now() - loadStarted) / 1000;
  const names = Array.from({ length: args.queries }, (_, i) => runbooks[(i * 7919) % runbooks.length].name);
  const scan = (name: string) => {
    const key = name.toLowerCase();
    return rows.filter((row) => row.runbook.toLowerCase() === key).slice(-DEFAULT_HISTORY_LIMIT).reverse().map((row) => toHistoryEntry({ ...row, version: 1 }));
  };
  const history = await alternate(args.queries, (i) => store.history(names[i]), (i) => scan(names[i]));
  await store.close();
  if (!cached) {
    mkdirSync(path.dirname(args.historyCacheFile), { recursive: true });
    copyFileSync(args.databaseFile, args.historyCacheFile);
  }
  return { rows: args.historyRows, filledFromCache: cached, loadSeconds, ...history };
}

/** History rows (jobs) over the catalog's runbooks, skewed like real use: a few run far more often than the rest. */
function historyRows(runbooks: readonly RunbookDefinition[], count: number): Omit<Job, 'version'>[] {
  const base = Date.parse('2024-01-01T00:00:00Z');
  return Array.from({ length: count }, (_, i) => ({
    id: `h${i.toString(36)}`,
    runbook: runbooks[Math.floor(runbooks.length * ((i * 0.6180339887) % 1) ** 3)].name,
    parameters: { Server: `web${(i % 89) + 10}`, Environment: 'prod', ApiToken: '••••••', Retries: i % 5 },
    requester: { id: `29:user${i % 200}`, name: `User ${i % 200}` },
    conversationKey: `19:channel${i % 50}@thread.tacv2`,
    target: 'local',
    executor: 'local',
    status: STATUSES[i % STATUSES.length],
    createdAt: new Date(base + i * 60_000).toISOString(),
  }));
}

/**
 * Times `measured` and `baseline` `count` times each, alternating (after 200 uncounted warm-up
 * rounds): wall time and CPU time (process.cpuUsage, which leaves out time spent waiting for a
 * core) per call.
 */
async function alternate(count: number, measured: (i: number) => unknown, baseline: (i: number) => unknown) {
  const wall = { measured: [] as number[], baseline: [] as number[] };
  const cpu = { measured: [] as number[], baseline: [] as number[] };
  const once = async (task: (i: number) => unknown, i: number, into: 'measured' | 'baseline') => {
    const cpuStart = process.cpuUsage();
    const started = performance.now();
    await task(i);
    wall[into].push(performance.now() - started);
    const used = process.cpuUsage(cpuStart);
    cpu[into].push((used.user + used.system) / 1000);
  };
  for (let i = 0; i < 200; i++) {
    await measured(i);
    await baseline(i);
  }
  for (let i = 0; i < count; i++) {
    await once(measured, i, 'measured');
    await once(baseline, i, 'baseline');
  }
  const result = summarize(wall.measured);
  const base = summarize(wall.baseline);
  return { ...result, baseline: base, p99Ratio: result.p99 / base.p99, cpu: summarize(cpu.measured), baselineCpu: summarize(cpu.baseline) };
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`P3: ${what} was not live within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export type CatalogProbeResult = Awaited<ReturnType<typeof run>>;

serveParent({}, { run: (args: CatalogProbeArgs) => run(args), memory: memoryReading });
