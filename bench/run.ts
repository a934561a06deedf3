/**
 * `npm run bench`: the performance figures of issue 7, each against a baseline measured in the
 * same run (these machines are shared and noisy, so only ratios compare across runs).
 *
 *   npm run bench                       every part (about 4 minutes on 2 cores)
 *   npm run bench -- --only p1,p3       some parts (P5 needs P2: it reads the jobs P2 left running)
 *   npm run bench -- --profile          also write CPU profiles of the servers to bench/results/profiles/
 *
 * Everything listens on 127.0.0.1. The servers run compiled (bench/.build) on plain node, each
 * in its own child process; autocannon drives them from this process. Prints a table and writes
 * the full results to bench/results/bench-<time>.json. What each figure means: docs/performance.md.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { mallocEnvironment } from '../test/support/dockerfile.js';
import { TEST_ACCOUNT } from '../test/support/fake-arm.js';
import { generateScripts } from './generate-scripts.js';
import { BENCH_DIR, compiledPath, compileServers } from './lib/compile.js';
import { describeMachine } from './lib/machine.js';
import { formatMarkdown, formatTable, type Row } from './lib/report.js';
import { startServerProcess, type ServerProcess } from './lib/server-process.js';
import { measureMessages, type P1Result } from './parts/p1-messages.js';
import { measureSubmits, type P2Result } from './parts/p2-submits.js';
import { measureCatalog, type P3Result } from './parts/p3-catalog.js';
import { measureTracking, type P4Result } from './parts/p4-tracking.js';
import { measureMemory, readMemory, type P5Result } from './parts/p5-memory.js';

const SETTINGS = {
  runbooks: 1000,
  p1: { connections: 10, rounds: 3, roundSeconds: 5, warmupSeconds: 3, people: 20_000 },
  p2: { loadedSubmits: 700, connections: 50, aloneSubmits: 300, startDelayMs: 2000 },
  p3: { edits: 10, queries: 2000, historyRows: 100_000 },
  p4: { jobs: 1000, intervalMs: 15_000, warmupMs: 45_000, measureMs: 60_000 },
  p5: { settleSeconds: 30 },
};
const PARTS = ['p1', 'p2', 'p3', 'p4', 'p5'] as const;
type Part = (typeof PARTS)[number];

interface Results {
  /** Parts that could not be measured, with the reason. */
  notMeasured: Partial<Record<Part, string>>;
  p1?: P1Result;
  p2?: P2Result;
  p3?: P3Result;
  p4?: P4Result;
  p5?: P5Result;
}

const { values: flags } = parseArgs({ options: { only: { type: 'string' }, profile: { type: 'boolean', default: false } } });
const selected = new Set<Part>(flags.only ? (flags.only.split(',').map((p) => p.trim().toLowerCase()) as Part[]) : PARTS);
const unknown = [...selected].filter((p) => !PARTS.includes(p));
if (unknown.length) {
  process.stderr.write(`Unknown part(s) ${unknown.join(', ')}; choose from ${PARTS.join(', ')}, e.g. --only p1,p3\n`);
  process.exit(2);
}
if (selected.has('p5')) selected.add('p2');

const profileDir = path.join(BENCH_DIR, 'results', 'profiles');
const nodeArgs = ['--expose-gc', ...(flags.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [])];
const machine = describeMachine();
const startedAt = new Date();
const log = (text: string) => process.stdout.write(`${text}\n`);

log(`Switchboard bench — ${machine.nproc} × ${machine.cpu}, node ${machine.node}, load average ${machine.loadAverage}`);
const compiled = compileServers();
log(`compiled the bench servers in ${(compiled.ms / 1000).toFixed(1)} s${compiled.diagnostics.length ? ` (${compiled.diagnostics.length} type errors in files being edited; JavaScript emitted anyway)` : ''}`);

const workDir = mkdtempSync(path.join(os.tmpdir(), 'switchboard-bench-'));
const results: Results = { notMeasured: {} };
try {
  if (selected.has('p1') || selected.has('p2')) await measureServers(results);
  if (selected.has('p3')) {
    log('P3 catalog: cold parse, live edit, search, history…');
    const runbooksDir = path.join(workDir, 'p3-runbooks');
    generateScripts(runbooksDir, SETTINGS.runbooks);
    results.p3 = await measureCatalog(runbooksDir, workDir, SETTINGS.p3, nodeArgs);
  }
  if (selected.has('p4')) {
    log(`P4 Azure tracking: ${SETTINGS.p4.jobs} jobs, ${(SETTINGS.p4.warmupMs + SETTINGS.p4.measureMs) / 1000} s…`);
    results.p4 = await measureTracking(SETTINGS.p4);
  }
} finally {
  rmSync(workDir, { recursive: true, force: true });
}

const rows = tableRows(results);
const finishedAt = new Date();
log('');
log(formatTable(rows));
mkdirSync(path.join(BENCH_DIR, 'results'), { recursive: true });
const file = path.join(BENCH_DIR, 'results', `bench-${startedAt.toISOString().replace(/[:.]/g, '-')}.json`);
writeFileSync(
  file,
  `${JSON.stringify({ machine, loadAverageAtEnd: Number(os.loadavg()[0].toFixed(2)), startedAt, seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000, settings: SETTINGS, parts: [...selected], rows, markdown: formatMarkdown(rows), results }, null, 2)}\n`,
);
for (const [part, reason] of Object.entries(results.notMeasured)) log(`${part.toUpperCase()} not measured: ${reason}`);
if (Object.keys(results.notMeasured).length) process.exitCode = 1;
log(`\n${rows.filter((r) => r.met === false).length} of ${rows.filter((r) => r.met !== undefined).length} targets missed; ${((finishedAt.getTime() - startedAt.getTime()) / 1000).toFixed(0)} s; load average now ${os.loadavg()[0].toFixed(2)}; results in ${path.relative(process.cwd(), file)}`);

/**
 * P1, P2 and P5 share the servers: the echo bot, Switchboard with the generated catalog, the Bot
 * Connector both answer through, and the Azure Automation fake Switchboard runs jobs in.
 */
async function measureServers(into: Results): Promise<void> {
  const runbooksDir = path.join(workDir, 'runbooks');
  generateScripts(runbooksDir, SETTINGS.runbooks);
  const servers: ServerProcess[] = [];
  const start = async (file: string, env?: Record<string, string>) => {
    // Every server runs with the glibc malloc settings of the container image (see the Dockerfile).
    const server = await startServerProcess(compiledPath(file), { nodeArgs, env: { ...mallocEnvironment(), ...env } });
    servers.push(server);
    return server;
  };
  try {
    const connector = await start('servers/connector.ts');
    const arm = await start('servers/azure-fake.ts');
    const echo = await start('servers/echo-bot.ts');
    const switchboard = await start('servers/switchboard-bot.ts', {
      RUNBOOKS_DIR: runbooksDir,
      DATA_DIR: path.join(workDir, 'data'),
      BENCH_START_DELAY_MS: String(SETTINGS.p2.startDelayMs),
      BENCH_ARM_URL: String(arm.ready.url),
      BENCH_ARM_CA: String(arm.ready.ca),
      BENCH_ARM_ACCOUNT: `bench=${TEST_ACCOUNT.subscriptionId}/${TEST_ACCOUNT.resourceGroup}/${TEST_ACCOUNT.accountName}`,
    });
    const atStart = { echoMB: (await readMemory(echo)).rssMB, switchboardMB: (await readMemory(switchboard)).rssMB };
    log(`Switchboard ready in ${Number(switchboard.ready.readyMs).toFixed(0)} ms with ${switchboard.ready.runbooks} runbooks (${switchboard.ready.catalogProblems} problems)`);
    if (selected.has('p1')) {
      log('P1 message throughput: help vs. echo bot…');
      into.p1 = await measureMessages(echo, switchboard, connector, SETTINGS.p1);
    }
    if (selected.has('p2') && !switchboard.ready.executorHook) {
      const reason = 'src/app.ts does not call AppOverrides.wrapExecutor, so the 2 s executor start cannot be put in (see docs/performance.md)';
      into.notMeasured.p2 = reason;
      if (selected.has('p5')) into.notMeasured.p5 = `it reads the jobs P2 leaves running, and ${reason}`;
    } else if (selected.has('p2')) {
      log(`P2 submit latency: ${SETTINGS.p2.loadedSubmits} submits at ${SETTINGS.p2.connections} concurrent, ${SETTINGS.p2.aloneSubmits} alone, ${SETTINGS.p2.startDelayMs} ms starts…`);
      into.p2 = await measureSubmits(switchboard, String(connector.ready.url), SETTINGS.p2);
    }
    if (selected.has('p5') && into.p2) into.p5 = await measureMemory(echo, switchboard, atStart, SETTINGS.p5);
  } finally {
    for (const server of servers.reverse()) await server.stop();
  }
}

function tableRows(r: Results): Row[] {
  const rows: Row[] = [];
  const add = (row: Omit<Row, 'ratio'> & { ratio?: number }) => rows.push({ ratio: row.value / row.baseline, ...row });
  if (r.p1) {
    const { echo, switchboard } = r.p1;
    add({ part: 'P1', figure: 'help: requests/s', value: switchboard.requestsPerSecond, unit: 'req/s', baselineName: 'echo bot', baseline: echo.requestsPerSecond, target: '≥ 0.9×', met: r.p1.throughputRatio >= 0.9 });
    add({ part: 'P1', figure: 'help: p99 latency', value: switchboard.latency.p99, unit: 'ms', baselineName: 'echo bot', baseline: echo.latency.p99, target: '≤ 1.5×', met: r.p1.p99Ratio <= 1.5 });
    add({ part: 'P1', figure: 'help: p50 latency', value: switchboard.latency.p50, unit: 'ms', baselineName: 'echo bot', baseline: echo.latency.p50 });
    add({ part: 'P1', figure: 'help: server CPU per request', value: switchboard.serverCpuMsPerRequest!, unit: 'ms', baselineName: 'echo bot', baseline: echo.serverCpuMsPerRequest! });
  }
  if (r.p2) {
    const { loaded, alone } = r.p2;
    add({ part: 'P2', figure: `submit p99, ${loaded.connections} concurrent (2 s starts)`, value: loaded.submit.latency.p99, unit: 'ms', baselineName: '/healthz', baseline: loaded.healthz.latency.p99, target: '≤ 50 ms', met: loaded.submit.latency.p99 <= 50 });
    add({ part: 'P2', figure: `  submits/s, ${loaded.connections} concurrent`, value: loaded.submit.requestsPerSecond, unit: 'req/s', baselineName: '/healthz', baseline: loaded.healthz.requestsPerSecond });
    add({ part: 'P2', figure: '  submit p50', value: loaded.submit.latency.p50, unit: 'ms', baselineName: '/healthz', baseline: loaded.healthz.latency.p50 });
    add({ part: 'P2', figure: '  submit p99 inside the server', value: loaded.inServer.p99, unit: 'ms', baselineName: 'as the client saw it', baseline: loaded.submit.latency.p99 });
    add({ part: 'P2', figure: '  longest event-loop stall', value: loaded.longestStallMs, unit: 'ms', baselineName: 'submit p50', baseline: loaded.submit.latency.p50 });
    add({ part: 'P2', figure: 'submit p99, one connection', value: alone.submit.latency.p99, unit: 'ms', baselineName: '/healthz', baseline: alone.healthz.latency.p99, target: '≤ 50 ms', met: alone.submit.latency.p99 <= 50 });
    add({ part: 'P2', figure: '  submit p50, one connection', value: alone.submit.latency.p50, unit: 'ms', baselineName: '/healthz', baseline: alone.healthz.latency.p50 });
    add({ part: 'P2', figure: '  server CPU per submit', value: loaded.submit.serverCpuMsPerRequest!, unit: 'ms', baselineName: '/healthz', baseline: loaded.healthz.serverCpuMsPerRequest! });
  }
  if (r.p3) {
    const { cold, edit, search, history } = r.p3;
    add({ part: 'P3', figure: `cold parse of ${r.p3.runbooks} scripts`, value: cold.ms, unit: 'ms', baselineName: 'read+JSON.parse', baseline: cold.baselineMs, target: '≤ 2000 ms', met: cold.ms <= 2000 });
    add({ part: 'P3', figure: `edited file live (max of ${edit.count})`, value: edit.max, unit: 'ms', baselineName: 'bare fs.watch', baseline: edit.baseline.max, target: '≤ 100 ms', met: edit.max <= 100 });
    add({ part: 'P3', figure: `catalog search p99 (${r.p3.runbooks})`, value: search.p99, unit: 'ms', baselineName: 'array scan', baseline: search.baseline.p99, target: '≤ 5 ms', met: search.p99 <= 5 });
    add({ part: 'P3', figure: '  same, CPU time p99', value: search.cpu.p99, unit: 'ms', baselineName: 'array scan', baseline: search.baselineCpu.p99 });
    add({ part: 'P3', figure: `history p99 (${history.rows} rows)`, value: history.p99, unit: 'ms', baselineName: 'array scan', baseline: history.baseline.p99, target: '≤ 5 ms', met: history.p99 <= 5 });
    add({ part: 'P3', figure: '  same, CPU time p99', value: history.cpu.p99, unit: 'ms', baselineName: 'array scan', baseline: history.baselineCpu.p99 });
  }
  if (r.p4)
    add({ part: 'P4', figure: `ARM calls/job/min (${r.p4.jobs} jobs)`, value: r.p4.callsPerJobPerMinute, unit: '', baselineName: 'naive GET/10 s', baseline: r.p4.naiveCallsPerJobPerMinute, target: '≤ 0.05', met: r.p4.callsPerJobPerMinute <= 0.05 });
  if (r.p5) {
    const { echo, switchboard } = r.p5;
    add({ part: 'P5', figure: `RSS (${switchboard.runbooks} runbooks, ${switchboard.trackedJobs} jobs tracked)`, value: switchboard.rssMB, unit: 'MB', baselineName: 'echo bot', baseline: echo.rssMB, target: '≤ 200 MB', met: switchboard.rssMB <= 200 });
    add({ part: 'P5', figure: `  RSS right after the submits (${r.p5.settings.settleSeconds} s earlier)`, value: r.p5.switchboardAfterBurst.rssMB, unit: 'MB', baselineName: 'echo bot', baseline: echo.rssMB });
    add({ part: 'P5', figure: '  RSS at start (catalog loaded, no jobs)', value: r.p5.switchboardAtStartMB, unit: 'MB', baselineName: 'echo bot', baseline: r.p5.echoAtStartMB });
    add({ part: 'P5', figure: '  heap used after a full GC', value: switchboard.afterGc.heapUsedMB, unit: 'MB', baselineName: 'echo bot', baseline: echo.afterGc.heapUsedMB });
    add({ part: 'P5', figure: '  external (WASM, buffers) after GC', value: switchboard.afterGc.externalMB, unit: 'MB', baselineName: 'echo bot', baseline: echo.afterGc.externalMB });
    add({ part: 'P5', figure: '  heap committed after GC', value: switchboard.afterGc.heapTotalMB, unit: 'MB', baselineName: 'echo bot', baseline: echo.afterGc.heapTotalMB });
  }
  return rows;
}
