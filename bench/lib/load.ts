/**
 * HTTP load with autocannon, latencies taken from autocannon's per-response timings (float
 * milliseconds from process.hrtime) rather than its histogram, which rounds to whole
 * milliseconds — too coarse for a p99 ratio against a bot that answers in one or two.
 */
import autocannon from 'autocannon';
import { summarize, type Summary } from './stats.js';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  /** Fixed body for every request (JSON-encoded when not a string). */
  body?: unknown;
  /** A different body per request, in order (index 0, 1, …); the run ends after the last. */
  bodies?: readonly string[];
  connections: number;
  /** Requests to send in all (default: as many as `bodies`, else run for `durationSeconds`). */
  amount?: number;
  /** Seconds to run when no amount is given (default 5). */
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
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const latencies: number[] = [];
  let non2xx = 0;
  const body = options.body === undefined || typeof options.body === 'string' ? options.body : JSON.stringify(options.body);
  const bodies = options.bodies;
  let next = 0;
  const amount = options.amount ?? bodies?.length;
  const started = performance.now();
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        method: options.method ?? (body || bodies ? 'POST' : 'GET'),
        headers: { 'content-type': 'application/json' },
        connections: options.connections,
        ...(amount === undefined ? { duration: options.durationSeconds ?? 5 } : { amount }),
        ...(bodies
          ? { requests: [{ setupRequest: (request: autocannon.Request) => ({ ...request, body: bodies[next++ % bodies.length] }) }] }
          : { body }),
        timeout: 30,
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    instance.on('response', (_client, statusCode, _bytes, responseTime) => {
      if (statusCode >= 200 && statusCode < 300) latencies.push(responseTime);
      else non2xx++;
    });
  });
  const seconds = (performance.now() - started) / 1000;
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
  };
}
