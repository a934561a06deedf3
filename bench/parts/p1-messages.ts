/**
 * P1 — message throughput: `help` against Switchboard (1,000 generated runbooks) vs. the same
 * message against a bare botbuilder echo bot. Both are child processes of this run (compiled,
 * plain node, auth off, same restify settings); replies come back in the HTTP response
 * (deliveryMode expectReplies), so no Bot Connector is involved on either side.
 *
 * The two are measured in alternating rounds (echo, Switchboard, echo, Switchboard, …) after a
 * warm-up of each, so a noisy neighbour on this shared machine hits both alike.
 */
import { benchPerson, expectRepliesMessage } from '../lib/activities.js';
import { combineLoads, runLoad, type LoadResult } from '../lib/load.js';
import type { ServerProcess } from '../lib/server-process.js';

export interface P1Settings {
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
}

export interface P1Result {
  settings: P1Settings;
  message: string;
  replyBytes: { echo: number; switchboard: number };
  echo: Omit<LoadResult, 'samples'>;
  switchboard: Omit<LoadResult, 'samples'>;
  /** Switchboard req/s ÷ echo req/s (target ≥ 0.9). */
  throughputRatio: number;
  /** Switchboard p99 ÷ echo p99 (target ≤ 1.5). */
  p99Ratio: number;
}

export async function measureMessages(echo: ServerProcess, switchboard: ServerProcess, serviceUrl: string, settings: P1Settings): Promise<P1Result> {
  const text = 'help';
  const body = JSON.stringify(expectRepliesMessage(serviceUrl, benchPerson(0), text));
  const target = (server: ServerProcess) => `${server.ready.url}/api/messages`;
  const replyBytes = { echo: await checkReply(target(echo), body), switchboard: await checkReply(target(switchboard), body) };

  for (const server of [echo, switchboard]) await runLoad({ url: target(server), body, connections: settings.connections, durationSeconds: settings.warmupSeconds });
  const rounds: { echo: LoadResult[]; switchboard: LoadResult[] } = { echo: [], switchboard: [] };
  for (let round = 0; round < settings.rounds; round++) {
    rounds.echo.push(await runLoad({ url: target(echo), body, connections: settings.connections, durationSeconds: settings.roundSeconds }));
    rounds.switchboard.push(await runLoad({ url: target(switchboard), body, connections: settings.connections, durationSeconds: settings.roundSeconds }));
  }
  const echoLoad = combineLoads(rounds.echo);
  const switchboardLoad = combineLoads(rounds.switchboard);
  return {
    settings,
    message: text,
    replyBytes,
    echo: withoutSamples(echoLoad),
    switchboard: withoutSamples(switchboardLoad),
    throughputRatio: switchboardLoad.requestsPerSecond / echoLoad.requestsPerSecond,
    p99Ratio: switchboardLoad.latency.p99 / echoLoad.latency.p99,
  };
}

/** One request before the load: the bot must answer with a reply in the body, or the figures mean nothing. */
async function checkReply(url: string, body: string): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
  const text = await response.text();
  const replies = response.ok ? (JSON.parse(text) as { activities?: unknown[] }).activities : undefined;
  if (!replies?.length) throw new Error(`P1: ${url} did not answer "help" with replies (status ${response.status}): ${text.slice(0, 300)}`);
  return text.length;
}

export function withoutSamples(load: LoadResult): Omit<LoadResult, 'samples'> {
  const { samples: _samples, ...rest } = load;
  return rest;
}
