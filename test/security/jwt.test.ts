/**
 * Channel authentication against the real HTTP endpoint: tokens signed by a test key whose
 * OpenID metadata and JWKS are served on 127.0.0.1. Only a correctly signed, current token for
 * our app id, from the Bot Framework issuer, bound to the activity's serviceUrl gets through;
 * everything else is a 401 and nothing runs.
 */
import { expect } from 'chai';
import { message, personalChat, TENANT_ID } from '../support/activities.js';
import type { ChannelTokenOptions } from '../support/openid-issuer.js';
import { APP_ID, SwitchboardUnderTest } from './switchboard-under-test.js';

describe('channel authentication (JWT) on POST /api/messages', () => {
  let bot: SwitchboardUnderTest;
  let sentinels = 0;
  let conversations = 0;
  // botbuilder prints every refused token (and the public key it tried) with console.error;
  // the suite asserts on status codes and effects instead, so that noise is muted here.
  const consoleError = console.error;

  before(async () => {
    console.error = () => {};
    bot = await SwitchboardUnderTest.start();
  });

  after(async () => {
    console.error = consoleError;
    await bot?.close();
  });

  /** A run request in a chat of its own: if it got through, a conversation and a job would exist. */
  function runRequest(name: string, tenantId = TENANT_ID) {
    const body = message(bot.recorder.url, { ...personalChat(), conversationId: `a:1personal-jwt-${++conversations}` }, `run Get-Greeting --name "${name}"`);
    body.conversation.tenantId = tenantId;
    (body.channelData as { tenant: { id: string } }).tenant.id = tenantId;
    return body;
  }

  function token(options: Partial<ChannelTokenOptions> = {}): Promise<string> {
    return bot.issuer.channelToken({ appId: APP_ID, serviceUrl: bot.recorder.url, ...options });
  }

  /**
   * Nothing of a refused request may exist: no conversation remembered, no job, nothing sent.
   * A valid request sent after it is the barrier: once its job card arrives, anything the refused
   * request could have caused would have happened before.
   */
  async function expectNothingFrom(refused: ReturnType<typeof runRequest>): Promise<void> {
    const from = bot.recorder.mark();
    const sentinel = runRequest(`sentinel ${++sentinels}`);
    expect((await bot.post(sentinel)).status).to.equal(200);
    await bot.recorder.waitFor((r) => r.conversationId === sentinel.conversation.id, { from, description: 'the answer to the sentinel' });
    const conversationId = refused.conversation.id;
    expect(bot.recorder.requests.filter((r) => r.conversationId === conversationId), 'sent to the refused conversation').to.deep.equal([]);
    expect(await bot.app.store.getConversation(conversationId), 'conversation remembered').to.equal(undefined);
    expect(await bot.app.store.listJobs({ conversationKey: conversationId }), 'jobs').to.deep.equal([]);
  }

  it('accepts a valid channel token: the run starts and the bot answers with its own token', async () => {
    const request = runRequest('valid token');
    const from = bot.recorder.mark();
    expect((await bot.post(request, `Bearer ${await token()}`)).status).to.equal(200);
    const answer = await bot.recorder.waitFor((r) => r.conversationId === request.conversation.id, { from, description: 'the job card' });
    // Outgoing calls carry the bot's own bearer token (minted by the local issuer here).
    expect(answer.authorization).to.match(/^Bearer ey/);
    const jobs = await bot.app.store.listJobs({ conversationKey: request.conversation.id });
    expect(jobs.map((j) => j.runbook)).to.deep.equal(['Get-Greeting']);
    expect(bot.issuer.fetches).to.be.greaterThan(0);
  });

  const refused: [string, () => Promise<string | null>][] = [
    ['missing Authorization header', async () => null],
    ['empty bearer', async () => 'Bearer '],
    ['malformed token', async () => 'Bearer not.a.jwt'],
    ['garbage in the Authorization header', async () => 'Basic dXNlcjpwYXNz'],
    ['alg none (unsigned)', async () => `Bearer ${bot.issuer.unsignedToken({ appId: APP_ID, serviceUrl: bot.recorder.url })}`],
    ['signed by a key not in the metadata', async () => `Bearer ${await token({ key: 'unpublished' })}`],
    ['forged signature under the published key id', async () => `Bearer ${await token({ key: 'unpublished-same-kid' })}`],
    ['expired (beyond the 5 minute clock skew)', async () => `Bearer ${await token({ notBeforeIn: -7200, expiresIn: -600 })}`],
    ['not yet valid (beyond the 5 minute clock skew)', async () => `Bearer ${await token({ notBeforeIn: 600, expiresIn: 3600 })}`],
    ['wrong audience (another bot)', async () => `Bearer ${await token({ appId: '00000000-1111-2222-3333-444444444444' })}`],
    ['wrong issuer', async () => `Bearer ${await token({ claims: { iss: 'https://login.evil.example' } })}`],
    ['missing serviceUrl claim', async () => `Bearer ${await token({ claims: { serviceurl: undefined } })}`],
    ['mismatched serviceUrl claim', async () => `Bearer ${await token({ serviceUrl: 'https://smba.trafficmanager.net/amer/' })}`],
    ['token in another scheme', async () => `bearer ${await token()}`],
  ];
  for (const [name, authorization] of refused) {
    it(`answers 401 and runs nothing for: ${name}`, async () => {
      const request = runRequest(name);
      expect((await bot.post(request, await authorization())).status).to.equal(401);
      await expectNothingFrom(request);
    });
  }

  it('gives activities from a tenant that is not allowed nothing, even with a valid token', async () => {
    const request = runRequest('from another tenant', 'b2c8e1f0-0000-4000-8000-00000000beef');
    expect((await bot.post(request)).status).to.be.oneOf([200, 202]);
    await expectNothingFrom(request);
  });
});
