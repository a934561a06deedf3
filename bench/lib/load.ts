/**
 * HTTP load with autocannon, latencies taken from autocannon's per-response timings (float
 * milliseconds from process.hrtime) rather than its histogram, which rounds to whole
 * milliseconds — too coarse for a p99 ratio against a bot that answers in one or two.
 */
import autocannon from 'autocannon';
import type { ServerProcess } from './server-process.js';
import { summarize, type Summary } from './stats.js';

export interface LoadOptions {
  url: string;
  /** Default: POST with `bodies`, GET without. */
  method?: 'GET' | 'POST';
  /** A JSON body per request, in turn (index 0, 1, …, then from the start again). */
  bodies?: readonly string[];
  connections: number;
  /** Requests to send in all; default: each of `bodies` once, or run for `durationSeconds` when given. */
  amount?: number;
  /** Seconds to run (default 5) when no amount applies. */
  durationSeconds?: number;
}

export interface LoadResult {
  requests: number;
  /** Latency of every 2xx response, in completion order (ms). */
  samples: number[];
  /** Completed 2xx responses per second over the whole run. */
  requestsPerSecond: number;
  latency: Summary;
  non2xx: number;
  errors: number;
  timeouts: number;
  seconds: number;
  /**
   * CPU time the server spent during the run, per answered request (ms), when the run was made
   * with loadServer. Waiting for a core is not in it, so it is less at the mercy of other work on
   * the machine than latencies are (cache and frequency effects remain).
   */
  serverCpuMsPerRequest?: number;
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  const bodies = options.bodies;
  let next = 0;
  const amount = options.amount ?? (options.durationSeconds === undefined ? bodies?.length : undefined);
  const started = performance.now();
  let lastAnswerAt = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? (bodies ? 'POST' : 'GET'),
        headers: { 'content-type': 'application/json' },
        connections: options.connections,
        ...(amount === undefined ? { duration: options.durationSeconds ?? 5 } : { amount }),
        ...(bodies && { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: bodies[next++ % bodies.length] }) }] }),
        timeout: 30,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      lastAnswerAt = performance.now();
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx++;
    });
  });
  // Until the last answer, not until autocannon reports: a run of a fixed number of requests
  // ends on autocannon's next one-second tick, which made every such run last a whole number of
  // seconds (700 submits "at 347/s" were 700 in 2.02 s however fast they were answered).
  const seconds = ((amount === undefined ? performance.now() : lastAnswerAt) - started) / 1000;
  return {
    requests: latencies.length + non2xx,
    samples: latencies,
    requestsPerSecond: latencies.length / seconds,
    latency: summarize(latencies),
    non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    seconds,
  };
}

/** runLoad against one of the bench's servers, also reading the CPU time it spent. */
export async function loadServer(server: ServerProcess, options: LoadOptions): Promise<LoadResult> {
  const cpuBefore = await server.cpuMs();
  const result = await runLoad(options);
  const cpuMs = (await server.cpuMs()) - cpuBefore;
  return { ...result, serverCpuMsPerRequest: cpuMs / result.samples.length };
}

/** Several runs against the same target as one: totals added, latencies pooled. */
export function combineLoads(results: readonly LoadResult[]): LoadResult {
  const samples = results.flatMap((r) => r.samples);
  const seconds = results.reduce((sum, r) => sum + r.seconds, 0);
  return {
    requests: results.reduce((sum, r) => sum + r.requests, 0),
    samples,
    requestsPerSecond: samples.length / seconds,
    latency: summarize(samples),
    non2xx: results.reduce((sum, r) => sum + r.non2xx, 0),
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    seconds,
    serverCpuMsPerRequest: results.every((r) => r.serverCpuMsPerRequest !== undefined)
      ? results.reduce((sum, r) => sum + r.serverCpuMsPerRequest! * r.samples.length, 0) / samples.length
      : undefined,
  };
}

/** A result for the JSON report: every figure but the raw latencies. */
export function withoutSamples(load: LoadResult): Omit<LoadResult, 'samples'> {
  const { samples: _samples, ...rest } = load;
  return rest;
}
