/**
 * The local playground (development mode only): a chat page that acts as a local Teams channel
 * for the real bot, so runbook authors can try commands, menus, forms and job cards without Teams.
 *
 *   GET  /                                   the chat page (static/, plain JS, no build step)
 *   GET  /playground/<file>                  its script, styles and Teams-like host config
 *   GET  /playground/vendor/adaptivecards.js Microsoft's Adaptive Cards renderer from node_modules
 *   GET  /playground/events                  Server-Sent Events: the transcript, then every new
 *                                            message and every card updated in place
 *   POST /playground/api/messages            what the page says or clicks, turned into a Teams
 *                                            activity and POSTed to this server's /api/messages —
 *                                            the same adapter, authentication setting and bot
 *   POST|PUT|DELETE /playground/connector/v3/conversations/:id/activities[/:activityId]
 *                                            the Bot Connector routes the bot calls to send, reply,
 *                                            update and delete; their serviceUrl points here
 *
 * An Action.Execute answer (the invoke response) replaces the clicked card, like Teams — unless
 * the bot already updated that card while the invoke was in flight, which is newer.
 */
import { createRequire } from 'node:module';
import { readFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type restify from 'restify';
import type { Config } from '../../config.js';
import type { Logger } from '../../logging/logger.js';
import { botConversationId, PageRequestError, parsePageRequest, PLAYGROUND_CHANNEL, PLAYGROUND_USER, teamsActivity, type PageRequest } from './activities.js';
import { PlaygroundChannel, type ChannelEvent, type TranscriptEntry } from './channel.js';

const ADAPTIVE_CARD = 'application/vnd.microsoft.card.adaptive';
const HEARTBEAT_MS = 15_000;

export interface Playground {
  /** Registers the routes on the bot's server (HttpServerOptions.mount). */
  mount(server: restify.Server): void;
  /** Ends the open event streams, so the server can close. */
  close(): void;
}

/** Why the playground cannot run with this configuration, or undefined when it can. */
export function playgroundUnavailable(config: Config): string | undefined {
  if (!config.development) return 'development mode is off (SWITCHBOARD_DEV)';
  // The page talks to /api/messages without a token and the bot answers its connector without
  // one; a bot with an app id authenticates both ways, which a local page cannot do.
  if (config.bot.appId) return 'MicrosoftAppId is set, so the bot requires Bot Framework tokens the local page cannot provide';
  return undefined;
}

export function createPlayground(options: { logger: Logger }): Playground {
  const { logger } = options;
  const channel = new PlaygroundChannel();
  const streams = new Set<ServerResponse>();
  const files = staticFiles();

  const ownUrl = (server: restify.Server) => {
    const { address, port } = server.address() as AddressInfo;
    const host = address === '0.0.0.0' ? '127.0.0.1' : address === '::' ? '[::1]' : address.includes(':') ? `[${address}]` : address;
    return `http://${host}:${port}`;
  };

  const postToBot = async (server: restify.Server, request: PageRequest) => {
    const base = ownUrl(server);
    const activity = teamsActivity(request, `${base}/playground/connector/`);
    const response = await fetch(`${base}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
    const text = await response.text();
    return { status: response.status, body: text ? (JSON.parse(text) as unknown) : undefined };
  };

  const answerPage = async (server: restify.Server, req: restify.Request, res: restify.Response) => {
    let request: PageRequest;
    try {
      request = parsePageRequest(req.body);
    } catch (error) {
      if (!(error instanceof PageRequestError)) throw error;
      res.send(400, { error: error.message });
      return;
    }
    const conversation = botConversationId(request);
    if (request.type === 'message') channel.post(conversation, { from: 'user', text: request.text });
    const revision = request.type === 'invoke' ? channel.revisionOf(conversation, request.replyToId) : -1;
    const answer = await postToBot(server, request);
    if (answer.status >= 300) {
      logger.warn({ status: answer.status, type: request.type }, 'the bot did not accept a playground activity');
      res.send(502, { error: `The bot answered HTTP ${answer.status}.`, answer: answer.body });
      return;
    }
    if (request.type !== 'invoke') {
      res.send(200, {});
      return;
    }
    const invoke = answer.body as { statusCode?: number; type?: string; value?: unknown } | undefined;
    const card = invoke?.type === ADAPTIVE_CARD ? invoke.value : undefined;
    const stale = channel.revisionOf(conversation, request.replyToId) !== revision;
    if (card && !stale) channel.replace(conversation, request.replyToId, { from: 'bot', attachments: [{ contentType: ADAPTIVE_CARD, content: card }] });
    res.send(200, { statusCode: invoke?.statusCode, replaced: Boolean(card && !stale), message: card ? undefined : invoke?.value });
  };

  // restify accepts async handlers or callback ones; these are async and end when the stream does.
  const events = async (req: restify.Request, res: restify.Response) => {
    const query = new URL(req.url ?? '/', 'http://playground').searchParams;
    let conversation: string;
    try {
      const request = parsePageRequest({ type: 'install', conversationId: query.get('conversationId'), place: query.get('place') ?? undefined });
      conversation = botConversationId(request);
    } catch (error) {
      if (!(error instanceof PageRequestError)) throw error;
      res.send(400, { error: error.message });
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive' });
    const write = (event: string, data: unknown) => res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    const { replayed, unsubscribe } = channel.subscribe(conversation, (event: ChannelEvent) =>
      event.kind === 'entry' ? write('entry', event.entry) : write('removed', { id: event.id }),
    );
    write('ready', { replayed, user: PLAYGROUND_USER.name, channel: PLAYGROUND_CHANNEL.name });
    const heartbeat = setInterval(() => res.write(': keep-alive\n\n'), HEARTBEAT_MS);
    heartbeat.unref();
    streams.add(res);
    await new Promise<void>((resolve) =>
      res.once('close', () => {
        clearInterval(heartbeat);
        unsubscribe();
        streams.delete(res);
        resolve();
      }),
    );
  };

  /** The Bot Connector's answer to a send, reply or update: the activity's id (ResourceResponse). */
  const connector = async (req: restify.Request, res: restify.Response) => {
    const conversation = decodeURIComponent(req.params.conversationId as string);
    const activityId = req.params.activityId ? decodeURIComponent(req.params.activityId as string) : undefined;
    if (req.method === 'DELETE') {
      if (activityId) channel.remove(conversation, activityId);
      res.send(200, {});
      return;
    }
    const activity = (req.body ?? {}) as { type?: string; text?: string; attachments?: TranscriptEntry['attachments'] };
    // Typing indicators and other non-message activities are acknowledged but not shown.
    if (activity.type !== 'message') {
      res.send(200, { id: activityId ?? '' });
      return;
    }
    const entry = { from: 'bot' as const, text: activity.text, attachments: activity.attachments };
    if (req.method === 'PUT' && activityId) {
      channel.replace(conversation, activityId, entry);
      res.send(200, { id: activityId });
      return;
    }
    res.send(200, { id: channel.post(conversation, entry) });
  };

  return {
    mount(server) {
      for (const [route, file] of files) {
        server.get(route, async (_req: restify.Request, res: restify.Response) => {
          const body = await readFile(file.path);
          res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
          res.end(body);
        });
      }
      server.get('/playground/events', events);
      server.post('/playground/api/messages', async (req: restify.Request, res: restify.Response) => answerPage(server, req, res));
      const activities = '/playground/connector/v3/conversations/:conversationId/activities';
      server.post(activities, connector);
      server.post(`${activities}/:activityId`, connector);
      server.put(`${activities}/:activityId`, connector);
      server.del(`${activities}/:activityId`, connector);
      logger.info({ path: '/' }, 'development playground is served at / (local use only)');
    },
    close() {
      for (const stream of streams) stream.end();
      streams.clear();
    },
  };
}

interface StaticFile {
  path: string;
  type: string;
}

/** The page's files by route. Read on every request, so edits show on reload (development only). */
function staticFiles(): Map<string, StaticFile> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const folder = staticFolderFrom(here);
  const adaptiveCards = path.join(path.dirname(createRequire(import.meta.url).resolve('adaptivecards/package.json')), 'dist', 'adaptivecards.min.js');
  return new Map<string, StaticFile>([
    ['/', { path: path.join(folder, 'index.html'), type: 'text/html; charset=utf-8' }],
    ['/playground/playground.js', { path: path.join(folder, 'playground.js'), type: 'text/javascript; charset=utf-8' }],
    ['/playground/playground.css', { path: path.join(folder, 'playground.css'), type: 'text/css; charset=utf-8' }],
    ['/playground/host-config.json', { path: path.join(folder, 'host-config.json'), type: 'application/json; charset=utf-8' }],
    ['/playground/vendor/adaptivecards.js', { path: adaptiveCards, type: 'text/javascript; charset=utf-8' }],
  ]);
}

/**
 * The page lives next to this module's source. Run from dist/ (npm start) the compiled module
 * has no static/ beside it, so the source folder is found from the package root.
 */
function staticFolderFrom(start: string): string {
  const beside = path.join(start, 'static');
  if (existsSync(beside)) return beside;
  for (let dir = start; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'src', 'server', 'playground', 'static');
  }
  throw new Error(`Cannot find the playground page (static/) from ${start}`);
}
