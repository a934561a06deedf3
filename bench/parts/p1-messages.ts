/**
 * P1 — message throughput: `help` against Switchboard (1,000 generated runbooks) vs. a message
 * against a bare botbuilder echo bot. Both are child processes of this run (compiled, plain node,
 * auth off, the same restify settings).
 *
 * Replies go through the Bot Connector at the activity's serviceUrl, as in Teams: the tests'
 * local recorder in a process of its own (servers/connector.ts). Not `deliveryMode:
 * expectReplies`: Teams never sends it, and a bot that sends its answers some other way (an
 * outbox) would silently ignore it. Each bot's turn ends after its reply was posted, so an
 * answered request is a delivered reply; the recorder's count is checked against it at the end.
 * The CPU time each server spent per message (read from the server itself) is reported too: it
 * moves far less than latencies when other work competes for this shared machine's cores.
 *
 * Every request comes from another person in their own chat, so Teams' per-conversation limits
 * (which the recorder enforces with 429s) bind neither bot. The two are measured in alternating
 * rounds (echo, Switchboard, echo, …) after a warm-up of each, so a noisy neighbour on this
 * shared machine hits both alike. Afterwards the recorder must hold a delivered reply for every
 * answered request.
 */
import { benchMessage, benchPerson, conversationPrefix } from '../lib/activities.js';
import { combineLoads, loadServer, runLoad, withoutSamples, type LoadResult } from '../lib/load.js';
import type { ServerProcess } from '../lib/server-process.js';

export interface P1Settings {
  connections: number;
  rounds: number;
  roundSeconds: number;
  warmupSeconds: number;
  /** Distinct people (chats) per bot, used in turn. */
  people: number;
}

export interface P1Result {
  settings: P1Settings;
  message: string;
  replyPath: 'Bot Connector (local recorder)';
  echo: Omit<LoadResult, 'samples'> & { repliesDelivered: number };
  switchboard: Omit<LoadResult, 'samples'> & { repliesDelivered: number };
  /** Switchboard req/s ÷ echo req/s (target ≥ 0.9). */
  throughputRatio: number;
  /** Switchboard p99 ÷ echo p99 (target ≤ 1.5). */
  p99Ratio: number;
  /** Switchboard's CPU time per help ÷ the echo bot's per echo: how much more each message costs. */
  cpuPerRequestRatio: number;
}

const TEXT = 'help';

export async function measureMessages(echo: ServerProcess, switchboard: ServerProcess, connector: ServerProcess, settings: P1Settings): Promise<P1Result> {
  const serviceUrl = String(connector.ready.url);
  const bodiesFor = (group: string) => Array.from({ length: settings.people }, (_, i) => JSON.stringify(benchMessage(serviceUrl, benchPerson(i, group), TEXT)));
  const bots = [
    { server: echo, group: 'echo', bodies: bodiesFor('echo'), rounds: [] as LoadResult[] },
    { server: switchboard, group: 'switchboard', bodies: bodiesFor('switchboard'), rounds: [] as LoadResult[] },
  ];
  const target = (server: ServerProcess) => `${server.ready.url}/api/messages`;

  for (const bot of bots) await runLoad({ url: target(bot.server), bodies: bot.bodies, connections: settings.connections, durationSeconds: settings.warmupSeconds });
  for (let round = 0; round < settings.rounds; round++)
    for (const bot of bots)
      bot.rounds.push(await loadServer(bot.server, { url: target(bot.server), bodies: bot.bodies, connections: settings.connections, durationSeconds: settings.roundSeconds }));

  const [echoLoad, switchboardLoad] = bots.map((bot) => combineLoads(bot.rounds));
  const delivered = (group: string) => connector.channel.request<number>('delivered', { conversationPrefix: conversationPrefix(group) });
  const [echoDelivered, switchboardDelivered] = await Promise.all(bots.map((bot) => delivered(bot.group)));
  const answered = (load: LoadResult) => load.samples.length;
  // Warm-up replies are among the delivered ones: every answered request of the rounds must be there too.
  for (const [name, load, replies] of [['echo bot', echoLoad, echoDelivered], ['Switchboard', switchboardLoad, switchboardDelivered]] as const)
    if (replies < answered(load)) throw new Error(`P1: ${name} answered ${answered(load)} requests but the connector received only ${replies} replies`);
  return {
    settings,
    message: TEXT,
    replyPath: 'Bot Connector (local recorder)',
    echo: { ...withoutSamples(echoLoad), repliesDelivered: echoDelivered },
    switchboard: { ...withoutSamples(switchboardLoad), repliesDelivered: switchboardDelivered },
    throughputRatio: switchboardLoad.requestsPerSecond / echoLoad.requestsPerSecond,
    p99Ratio: switchboardLoad.latency.p99 / echoLoad.latency.p99,
    cpuPerRequestRatio: switchboardLoad.serverCpuMsPerRequest! / echoLoad.serverCpuMsPerRequest!,
  };
}
