/**
 * P2 — submit latency: form submits (invoke adaptiveCard/action, verb submitRun, each with a
 * valid form id handed out beforehand) while the executor takes 2 s to start every job
 * (DelayedStartExecutor in the Switchboard bench server). Each submit comes from its own user in
 * their own chat, as many people clicking Run at once would; the per-user and per-conversation
 * request limits therefore never refuse one.
 *
 * Two runs, each against a baseline of GET /healthz on the same server under the same load
 * (same connections, same number of requests), measured just before:
 *   loaded  50 concurrent connections, each sending its next submit as soon as the last is
 *           answered (autocannon's closed loop): the issue's "50 concurrent"
 *   alone   one connection: what a submit costs the server without waiting behind others
 * The loaded run comes first; the starts it asks for complete (2 s later) while the second runs.
 *
 * The runbook is published in the local ARM endpoint (servers/azure-fake.ts), where every job the
 * bot creates starts running and keeps running. Afterwards the bench checks with the server that every submit became
 * a job that is running (they then stay tracked for P5).
 */
import { findAction, invokeCard } from '../../test/support/activities.js';
import { benchInvoke, benchPerson } from '../lib/activities.js';
import { loadServer, withoutSamples, type LoadResult } from '../lib/load.js';
import type { ServerProcess } from '../lib/server-process.js';
import type { Summary } from '../lib/stats.js';
import { SUBMIT_RUNBOOK, SUBMIT_VALUES } from '../lib/submit-runbook.js';

export interface P2Settings {
  /** Submits at `connections` concurrent connections. */
  loadedSubmits: number;
  connections: number;
  /** Submits over a single connection. */
  aloneSubmits: number;
  startDelayMs: number;
}

interface JobCounts {
  startsRequested: number;
  running: number;
  failed: number;
}

export interface SubmitRun {
  connections: number;
  /** The server's longest event-loop hold-up during the submits (ms): every request in flight waited that long. */
  longestStallMs: number;
  /** Time each submit spent inside the server, from its arrival to the answer (the product's request telemetry). */
  inServer: Summary;
  healthz: Omit<LoadResult, 'samples'>;
  submit: Omit<LoadResult, 'samples'>;
  /** Submit p99 ÷ /healthz p99 under the same load. */
  p99Ratio: number;
}

export interface P2Result {
  settings: P2Settings;
  runbook: string;
  formIssueSeconds: number;
  loaded: SubmitRun;
  alone: SubmitRun;
  /** Seconds from the first submit until every job was running (≥ the start delay). */
  allRunningSeconds: number;
  jobs: JobCounts;
}

export async function measureSubmits(switchboard: ServerProcess, serviceUrl: string, settings: P2Settings): Promise<P2Result> {
  const url = `${switchboard.ready.url}/api/messages`;
  const total = settings.loadedSubmits + settings.aloneSubmits;
  const issueStarted = performance.now();
  const forms = await mapConcurrently(total, 8, (index) => issueForm(url, serviceUrl, index));
  const formIssueSeconds = (performance.now() - issueStarted) / 1000;
  const bodies = forms.map((formId, index) =>
    JSON.stringify(benchInvoke(serviceUrl, benchPerson(index), 'submitRun', { formId, ...SUBMIT_VALUES }, cardActivityId(index))),
  );
  const healthz = (connections: number, amount: number) => loadServer(switchboard, { url: `${switchboard.ready.url}/healthz`, method: 'GET', connections, amount });
  const healthzLoaded = await healthz(settings.connections, settings.loadedSubmits);
  const healthzAlone = await healthz(1, settings.aloneSubmits);

  const before = await switchboard.channel.request<JobCounts>('jobs');
  const submitStarted = performance.now();
  // Both are counted afresh from here: each ask returns what happened since the last one.
  const seenByServer = async () => ({
    stallMs: (await switchboard.channel.request<{ maxMs: number }>('loopDelay')).maxMs,
    inServer: await switchboard.channel.request<Summary>('handling'),
  });
  await seenByServer();
  const loaded = await loadServer(switchboard, { url, bodies: bodies.slice(0, settings.loadedSubmits), connections: settings.connections });
  const loadedSeen = await seenByServer();
  const alone = await loadServer(switchboard, { url, bodies: bodies.slice(settings.loadedSubmits), connections: 1 });
  const aloneSeen = await seenByServer();
  for (const run of [loaded, alone])
    if (run.non2xx || run.errors) throw new Error(`P2: ${run.non2xx} submits answered non-2xx and ${run.errors} failed`);
  const jobs = await waitForJobs(switchboard, before, total);
  return {
    settings,
    runbook: SUBMIT_RUNBOOK,
    formIssueSeconds,
    loaded: submitRun(settings.connections, healthzLoaded, loaded, loadedSeen),
    alone: submitRun(1, healthzAlone, alone, aloneSeen),
    allRunningSeconds: (performance.now() - submitStarted) / 1000,
    jobs,
  };
}

function submitRun(connections: number, healthz: LoadResult, submit: LoadResult, seen: { stallMs: number; inServer: Summary }): SubmitRun {
  return { connections, longestStallMs: seen.stallMs, inServer: seen.inServer, healthz: withoutSamples(healthz), submit: withoutSamples(submit), p99Ratio: submit.latency.p99 / healthz.latency.p99 };
}

function cardActivityId(index: number): string {
  return `bench-form-card-${index}`;
}

/** Opens the runbook's form as person `index` (openForm invoke) and returns the form id it carries. */
async function issueForm(url: string, serviceUrl: string, index: number): Promise<string> {
  const activity = benchInvoke(serviceUrl, benchPerson(index), 'openForm', { runbook: SUBMIT_RUNBOOK }, `bench-menu-${index}`);
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(activity) });
  const body: unknown = await response.json();
  const formId = findAction(invokeCard(body), 'submitRun').data?.formId;
  if (typeof formId !== 'string') throw new Error(`P2: the form for ${SUBMIT_RUNBOOK} carries no form id: ${JSON.stringify(body).slice(0, 300)}`);
  return formId;
}

/** Every submit must have become a job the executor started: resolves once the store has them all running. */
async function waitForJobs(switchboard: ServerProcess, before: JobCounts, submits: number): Promise<JobCounts> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const counts = await switchboard.channel.request<JobCounts>('jobs');
    if (counts.running - before.running >= submits) return counts;
    if (counts.failed > before.failed)
      throw new Error(`P2: ${counts.failed - before.failed} of the submitted jobs failed to start; see the bench server's log (LOG_LEVEL info)`);
    if (Date.now() > deadline)
      throw new Error(`P2: of ${submits} submits, ${counts.startsRequested - before.startsRequested} reached the executor and ${counts.running - before.running} are running after 60 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function mapConcurrently<T>(count: number, concurrency: number, task: (index: number) => Promise<T>): Promise<T[]> {
  const results: T[] = new Array(count);
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const index = next++;
      results[index] = await task(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  return results;
}
