/**
 * The edge on its own (HTTP server + CloudAdapter + SwitchboardBot) with handlers that fail or
 * record: unexpected errors are answered with an apology quoting the activity id, activities
 * from tenants that are not served get nothing, and proactive messages map connector failures
 * to DeliveryError.
 */
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'chai';
import { CloudAdapter, ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ConversationRegistry } from '../../src/bot/conversation-registry.js';
import { ProactiveMessenger } from '../../src/bot/proactive-messenger.js';
import { SwitchboardBot } from '../../src/bot/switchboard-bot.js';
import { answerTurnErrors } from '../../src/bot/turn-errors.js';
import type { TurnHandlers } from '../../src/commands/handlers.js';
import type { AdaptiveCard, OutgoingMessage } from '../../src/domain/message.js';
import { DeliveryError } from '../../src/jobs/delivery-error.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createHttpServer, type HttpServer } from '../../src/server/http-server.js';
import { createStore } from '../../src/store/index.js';
import type { Store } from '../../src/store/store.js';
import { activityText, cardAction, invokeCard, message, personalChat, postActivity, TENANT_ID } from '../support/activities.js';
import { ConnectorRecorder } from '../support/connector-recorder.js';
import { removeWorkspace } from '../support/remove-workspace.js';

const card = (text: string): AdaptiveCard => ({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] });

/** Handlers that fail on demand and answer with recognisable cards otherwise. */
class ScriptedHandlers implements TurnHandlers {
  fail = false;
  async message(turn: Parameters<TurnHandlers['message']>[0]) {
    if (this.fail) throw new Error('handler exploded');
    await turn.reply({ card: card(`echo ${turn.text}`) });
  }
  async action(): Promise<AdaptiveCard> {
    if (this.fail) throw new Error('action exploded');
    return card('action answered');
  }
  async welcome(): Promise<OutgoingMessage | undefined> {
    return undefined;
  }
  apology(correlationId: string): OutgoingMessage {
    return { card: card(`sorry ${correlationId}`) };
  }
}

describe('bot edge', () => {
  let tempDir: string;
  let store: Store;
  let recorder: ConnectorRecorder;
  let http: HttpServer;
  let url: string;
  let adapter: CloudAdapter;
  const handlers = new ScriptedHandlers();

  before(async () => {
    tempDir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-edge-'));
    store = await createStore({ kind: 'sqlite', path: path.join(tempDir, 'edge.db') }, silentLogger());
    recorder = await ConnectorRecorder.start();
    adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
    const bot = new SwitchboardBot({
      handlers,
      conversations: new ConversationRegistry(store, () => new Date()),
      messenger: new ProactiveMessenger(adapter, ''),
      servesTenant: (tenantId) => tenantId === TENANT_ID,
      logger: silentLogger(),
    });
    answerTurnErrors(adapter, handlers, silentLogger());
    http = createHttpServer({ adapter, logic: (context) => bot.run(context), readiness: async () => ({ store: true }), logger: silentLogger() });
    url = `http://127.0.0.1:${(await http.listen(0, '127.0.0.1')).port}`;
  });
  after(async () => {
    await http?.close();
    await recorder?.close();
    await store?.close();
    await removeWorkspace(tempDir);
  });
  afterEach(() => {
    handlers.fail = false;
    recorder.injectFaults(undefined);
  });

  it('answers a message whose handler fails with the apology quoting the activity id', async () => {
    handlers.fail = true;
    const place = personalChat();
    const activity = message(recorder.url, place, 'help');
    expect((await postActivity(url, activity)).status).to.equal(200);
    const answer = await recorder.waitFor((r) => r.conversationId === place.conversationId);
    expect(activityText(answer.activity)).to.contain(`sorry ${activity.id}`);
  });

  it('answers a failing card action with the apology card as the invoke response', async () => {
    handlers.fail = true;
    const activity = cardAction(recorder.url, personalChat(), 'menu', {}, 'card-1');
    const response = await postActivity(url, activity);
    expect(response.status).to.equal(200);
    expect(JSON.stringify(invokeCard(response.body))).to.contain(`sorry ${activity.id}`);
  });

  it('ignores activities from tenants it does not serve: no answer, nothing stored', async () => {
    const place = personalChat();
    const activity = message(recorder.url, place, 'help') as ReturnType<typeof message> & { conversation: { tenantId: string } };
    activity.conversation.tenantId = 'another-tenant';
    (activity.channelData as { tenant: { id: string } }).tenant.id = 'another-tenant';
    const from = recorder.mark();
    // The adapter answers the POST once the turn is over, so whatever it did has happened.
    expect((await postActivity(url, activity)).status).to.equal(200);
    expect(recorder.requests.slice(from)).to.deep.equal([]);
    expect(await store.getConversation(place.conversationId)).to.equal(undefined);
  });

  it('sends and updates proactively, and reports throttling as a transient DeliveryError with Retry-After', async () => {
    const place = personalChat();
    await postActivity(url, message(recorder.url, place, 'remember me'));
    await recorder.waitFor((r) => r.conversationId === place.conversationId);
    const conversation = (await store.getConversation(place.conversationId))!;
    const messenger = new ProactiveMessenger(adapter, '');

    const id = await messenger.send(conversation, { text: 'proactive' });
    await messenger.update(conversation, id, { card: card('updated') });
    const update = await recorder.waitFor((r) => r.operation === 'update' && r.targetActivityId === id);
    expect(activityText(update.activity)).to.contain('updated');

    recorder.injectFaults(() => ({ status: 429, retryAfterSeconds: 0, reason: 'throttled for the test' }));
    const error = await messenger.send(conversation, { text: "too much" }).catch((e: unknown) => e);
    expect(error).to.be.instanceOf(DeliveryError);
    expect(error).to.include({ statusCode: 429, transient: true, retryAfterMs: 0 });
  });

  it('drains: refuses new activities with 503 and Retry-After, reports draining, and waits for the one in flight', async () => {
    const place = personalChat();
    const release = recorder.hold();
    const inFlight = postActivity(url, message(recorder.url, place, 'slow'));
    await recorder.waitFor((r) => r.conversationId === place.conversationId);
    let drained = false;
    const draining = http.drain().then(() => (drained = true));

    const refused = await fetch(new URL('/api/messages', url), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message(recorder.url, personalChat(), 'late')) });
    expect(refused.status).to.equal(503);
    expect(refused.headers.get('retry-after')).to.equal('5');
    const ready = await fetch(new URL('/readyz', url));
    expect(ready.status).to.equal(503);
    expect(await ready.json()).to.include({ status: 'draining' });
    expect(drained).to.equal(false);

    release();
    expect((await inFlight).status).to.equal(200);
    await draining;
  });
});
