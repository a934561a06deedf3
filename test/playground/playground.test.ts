/**
 * The playground's HTTP side against the real app: the page and the renderer are served, what the
 * page says reaches the bot as a Teams activity, what the bot sends (new messages and updates in
 * place) streams back over Server-Sent Events, invoke answers replace the clicked card — and none
 * of it exists outside development mode.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { buildApp, type App } from '../../src/app.js';
import { loadConfig, type Config } from '../../src/config.js';
import { silentLogger } from '../../src/logging/logger.js';
import { playgroundUnavailable } from '../../src/server/playground/playground.js';
import { removeWorkspace } from '../support/remove-workspace.js';

const REPO = path.resolve(import.meta.dirname, '../..');

interface StreamEvent {
  event: string;
  data: { id?: string; from?: string; text?: string; revision?: number; replayed?: number; attachments?: { content?: { body?: unknown[] } }[] };
}

/** Reads a Server-Sent Events stream and lets the test await events as they arrive. */
class EventStream {
  readonly events: StreamEvent[] = [];
  private readonly waiters = new Set<{ predicate: (e: StreamEvent) => boolean; resolve: (e: StreamEvent) => void }>();
  private readonly abort = new AbortController();

  static async open(url: string): Promise<EventStream> {
    const stream = new EventStream();
    const response = await fetch(url, { signal: stream.abort.signal });
    expect(response.status).to.equal(200);
    expect(response.headers.get('content-type')).to.match(/^text\/event-stream/);
    stream.pump(response.body!.pipeThrough(new TextDecoderStream()).getReader()).catch(() => undefined);
    return stream;
  }

  waitFor(predicate: (e: StreamEvent) => boolean, timeoutMs = 15_000): Promise<StreamEvent> {
    const found = this.events.find(predicate);
    if (found) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no such event within ${timeoutMs} ms; got ${this.events.map((e) => e.event).join(', ')}`)), timeoutMs);
      this.waiters.add({ predicate, resolve: (e) => (clearTimeout(timer), resolve(e)) });
    });
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(reader: ReadableStreamDefaultReader<string>): Promise<void> {
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event && data) this.arrive({ event, data: JSON.parse(data) as StreamEvent['data'] });
      }
    }
  }

  private arrive(event: StreamEvent): void {
    this.events.push(event);
    for (const waiter of this.waiters) {
      if (!waiter.predicate(event)) continue;
      this.waiters.delete(waiter);
      waiter.resolve(event);
    }
  }
}

const cardText = (event: StreamEvent) => JSON.stringify(event.data.attachments?.[0]?.content ?? {});

async function startApp(env: Record<string, string>): Promise<{ app: App; url: string; dir: string; config: Config }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-playground-'));
  const config = loadConfig({ HOST: '127.0.0.1', PORT: '0', DATA_DIR: dir, RUNBOOKS_DIR: path.join(REPO, 'runbooks'), ...env });
  const app = await buildApp(config, { logger: silentLogger() });
  const { url } = await app.start();
  return { app, url, dir, config };
}

async function postJson(url: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

describe('playground (development mode)', function () {
  this.timeout(30_000);
  let app: App;
  let url: string;
  let dir: string;
  const streams: EventStream[] = [];
  let n = 0;
  const conversation = () => `test-${process.pid}-${++n}-conversation`;
  const say = (conversationId: string, body: Record<string, unknown>, place = 'personal') =>
    postJson(`${url}/playground/api/messages`, { conversationId, place, ...body });
  const listen = async (conversationId: string, place = 'personal') => {
    const stream = await EventStream.open(`${url}/playground/events?conversationId=${conversationId}&place=${place}`);
    streams.push(stream);
    return stream;
  };

  before(async () => {
    ({ app, url, dir } = await startApp({ SWITCHBOARD_DEV: 'true' }));
  });

  after(async () => {
    for (const stream of streams) stream.close();
    await app?.stop();
    if (dir) await removeWorkspace(dir);
  });

  it('serves the chat page, its script and Microsoft\'s Adaptive Cards renderer from node_modules', async () => {
    const page = await fetch(`${url}/`);
    expect(page.status).to.equal(200);
    expect(page.headers.get('content-type')).to.match(/^text\/html/);
    const html = await page.text();
    expect(html).to.include('/playground/vendor/adaptivecards.js');
    expect(html).not.to.match(/https?:\/\//); // no CDN: everything comes from this server
    const renderer = await fetch(`${url}/playground/vendor/adaptivecards.js`);
    expect(renderer.status).to.equal(200);
    expect(await renderer.text()).to.include('AdaptiveCards');
    const hostConfig = (await (await fetch(`${url}/playground/host-config.json`)).json()) as { fontFamily: string; supportsInteractivity: boolean };
    expect(hostConfig.supportsInteractivity).to.equal(true);
    expect(hostConfig.fontFamily).to.include('Segoe UI');
  });

  it('welcomes a new conversation, answers a typed command and replays the transcript to a reloaded page', async () => {
    const id = conversation();
    const stream = await listen(id);
    expect((await stream.waitFor((e) => e.event === 'ready')).data.replayed).to.equal(0);
    expect((await say(id, { type: 'install' })).status).to.equal(200);
    const welcome = await stream.waitFor((e) => e.event === 'entry' && e.data.from === 'bot');
    expect(cardText(welcome)).to.include('Switchboard');

    expect((await say(id, { type: 'message', text: 'help' })).status).to.equal(200);
    await stream.waitFor((e) => e.event === 'entry' && e.data.from === 'user' && e.data.text === 'help');
    const help = await stream.waitFor((e) => e.event === 'entry' && cardText(e).includes('What I understand'));
    expect(help.data.id).to.match(/^pg-\d+$/);

    const reloaded = await listen(id);
    const ready = await reloaded.waitFor((e) => e.event === 'ready');
    expect(ready.data.replayed).to.equal(3);
    expect(reloaded.events.filter((e) => e.event === 'entry').map((e) => e.data.id)).to.include(help.data.id);
  });

  it('turns a card click into an adaptiveCard/action invoke whose answer replaces that card in place', async () => {
    const id = conversation();
    const stream = await listen(id);
    await say(id, { type: 'message', text: 'help' });
    const help = await stream.waitFor((e) => e.event === 'entry' && cardText(e).includes('What I understand'));

    const answer = await say(id, { type: 'invoke', replyToId: help.data.id, verb: 'menu', data: {} });
    expect(answer.status).to.equal(200);
    expect(answer.body).to.include({ statusCode: 200, replaced: true });
    const menu = await stream.waitFor((e) => e.event === 'entry' && e.data.id === help.data.id && e.data.revision === 1);
    expect(cardText(menu)).to.include('Categories');
  });

  it('runs a runbook from a channel with the bot @mentioned, and follows its job card through updates to completion', async () => {
    const id = conversation();
    const stream = await listen(id, 'channel');
    await say(id, { type: 'message', text: 'run Get-DiskSpace --unit MB --min-free-percent 0' }, 'channel');
    const job = await stream.waitFor((e) => e.event === 'entry' && e.data.from === 'bot' && cardText(e).includes('Get-DiskSpace'));
    const done = await stream.waitFor((e) => e.event === 'entry' && e.data.id === job.data.id && /Completed/.test(cardText(e)), 20_000);
    expect(done.data.revision).to.be.greaterThan(0);
  });

  it('answers bad page requests with what is wrong and an example', async () => {
    const missingText = await say(conversation(), { type: 'message' });
    expect(missingText.status).to.equal(400);
    expect(missingText.body.error).to.match(/text must be the message to send, e.g. "help"/);
    const badId = await postJson(`${url}/playground/api/messages`, { conversationId: '../etc', type: 'message', text: 'help' });
    expect(badId.status).to.equal(400);
    expect(badId.body.error).to.match(/conversationId must be 8 to 64 letters/);
    const badType = await say(conversation(), { type: 'typing' });
    expect(badType.body.error).to.match(/type must be "message", "invoke" or "install"/);
    const badPlace = await say(conversation(), { type: 'install' }, 'meeting');
    expect(badPlace.body.error).to.match(/place must be "personal" or "channel"/);
    const badStream = await fetch(`${url}/playground/events?conversationId=x`);
    expect(badStream.status).to.equal(400);
  });
});

describe('playground outside development mode', function () {
  this.timeout(30_000);

  it('is not served: no page, no playground API, no connector', async () => {
    const { app, url, dir } = await startApp({
      SWITCHBOARD_DEV: 'false',
      MicrosoftAppId: '9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11',
      MicrosoftAppPassword: 'not-used-here',
      ALLOWED_TENANTS: '72f988bf-86f1-41af-91ab-2d7cd011db47',
    });
    try {
      expect((await fetch(`${url}/`)).status).to.equal(404);
      expect((await fetch(`${url}/playground/vendor/adaptivecards.js`)).status).to.equal(404);
      expect((await postJson(`${url}/playground/api/messages`, { type: 'install', conversationId: 'chat-12345678' })).status).to.equal(404);
      expect((await postJson(`${url}/playground/connector/v3/conversations/a%3Ax/activities`, { type: 'message' })).status).to.equal(404);
      expect((await fetch(`${url}/healthz`)).status).to.equal(200);
    } finally {
      await app.stop();
      await removeWorkspace(dir);
    }
  });

  it('says why it is off: development mode off, or an app id whose tokens a local page cannot provide', () => {
    const base = { HOST: '127.0.0.1', DATA_DIR: os.tmpdir() };
    expect(playgroundUnavailable(loadConfig({ ...base }))).to.equal(undefined);
    expect(playgroundUnavailable(loadConfig({ ...base, SWITCHBOARD_DEV: 'false', ALLOWED_TENANTS: 't' }))).to.match(/development mode is off/);
    const devWithAppId = loadConfig({ ...base, SWITCHBOARD_DEV: 'true', MicrosoftAppId: 'a', MicrosoftAppPassword: 'p' });
    expect(playgroundUnavailable(devWithAppId)).to.match(/MicrosoftAppId is set/);
  });
});
