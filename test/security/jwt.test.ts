/**
 * Channel authentication against the real HTTP endpoint: tokens signed by a test key whose
 * OpenID metadata and JWKS are served on 127.0.0.1. Only a correctly signed, current token for
 * our app id, from the Bot Framework issuer, bound to the activity's serviceUrl gets through;
 * everything else is a 401 and nothing runs.
 */
import { expect } from 'chai';
import { loadConfig, type Config } from '../../src/config.js';
import { ConnectorRecorder } from '../support/connector-recorder.js';
import { message, personalChat, TENANT_ID } from '../support/activities.js';
import { OpenIdIssuer, type ChannelTokenOptions } from '../support/openid-issuer.js';
import { startBotUnderTest, type BotUnderTest } from './bot-under-test.js';

const APP_ID = '9c1f8a2e-5b9d-4f3e-8a41-7f0c2f8d3a11';

describe('channel authentication (JWT) on POST /api/messages', () => {
  let issuer: OpenIdIssuer;
  let recorder: ConnectorRecorder;
  let bot: BotUnderTest;
  let sentinels = 0;

  // botbuilder prints every refused token (and the public key it tried) with console.error;
  // the suite asserts on status codes and effects instead, so that noise is muted here.
  const consoleError = console.error;

  before(async () => {
    console.error = () => {};
    issuer = await OpenIdIssuer.start();
    recorder = await ConnectorRecorder.start();
    const config: Config = loadConfig({
      MicrosoftAppId: APP_ID,
      MicrosoftAppPassword: 'not-used-outbound-tokens-come-from-the-test-issuer',
      MicrosoftAppType: 'MultiTenant',
      ALLOWED_TENANTS: TENANT_ID,
      BOT_OPENID_METADATA_URL: issuer.metadataUrl,
      HOST: '127.0.0.1',
      PORT: '0',
    });
    bot = await startBotUnderTest(config, issuer.credentialsFactory(APP_ID));
  });

  after(async () => {
    console.error = consoleError;
    await bot?.close();
    await recorder?.close();
    await issuer?.close();
  });

  let conversations = 0;
  /** Each request in its own chat, so Teams' per-conversation pacing never slows the suite. */
  function activity(text: string, tenantId = TENANT_ID) {
    const body = message(recorder.url, { ...personalChat(), conversationId: `a:1personal-jwt-${++conversations}` }, text);
    body.conversation.tenantId = tenantId;
    (body.channelData as { tenant: { id: string } }).tenant.id = tenantId;
    return body;
  }

  async function post(body: unknown, authorization?: string): Promise<number> {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (authorization !== undefined) headers.authorization = authorization;
    const response = await fetch(new URL('/api/messages', bot.url), { method: 'POST', headers, body: JSON.stringify(body) });
    await response.arrayBuffer();
    return response.status;
  }

  function token(options: Partial<ChannelTokenOptions> = {}): Promise<string> {
    return issuer.channelToken({ appId: APP_ID, serviceUrl: recorder.url, ...options });
  }

  /**
   * A valid request sent after a refused one: once its answer arrives, anything the refused
   * request could have caused would have arrived before it.
   */
  async function expectNothingFrom(refusedText: string): Promise<void> {
    const from = recorder.mark();
    const sentinel = `sentinel #${++sentinels}`;
    expect(await post(activity(sentinel), `Bearer ${await token()}`)).to.equal(200);
    await recorder.waitFor((r) => JSON.stringify(r.activity).includes(sentinel), { from, description: 'the sentinel reply' });
    const all = recorder.requests.map((r) => JSON.stringify(r.activity));
    expect(all.filter((text) => text.includes(refusedText)), 'the refused request was answered').to.deep.equal([]);
    expect(await bot.handled(refusedText)).to.equal(false);
  }

  it('accepts a valid channel token: the bot runs and replies with its own token', async () => {
    const from = recorder.mark();
    expect(await post(activity('valid token'), `Bearer ${await token()}`)).to.equal(200);
    const reply = await recorder.waitFor((r) => JSON.stringify(r.activity).includes('valid token'), { from });
    expect(await bot.handled('valid token')).to.equal(true);
    // Outgoing calls carry the bot's own bearer token (minted by the local issuer here).
    expect(reply.authorization).to.match(/^Bearer ey/);
    expect(issuer.fetches).to.be.greaterThan(0);
  });

  const refused: [string, () => Promise<string | undefined>][] = [
    ['missing Authorization header', async () => undefined],
    ['empty bearer', async () => 'Bearer '],
    ['malformed token', async () => 'Bearer not.a.jwt'],
    ['garbage in the Authorization header', async () => 'Basic dXNlcjpwYXNz'],
    ['alg none (unsigned)', async () => `Bearer ${issuer.unsignedToken({ appId: APP_ID, serviceUrl: recorder.url })}`],
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
      const text = `refused: ${name}`;
      expect(await post(activity(text), await authorization())).to.equal(401);
      await expectNothingFrom(text);
    });
  }

  it('gives activities from a tenant that is not allowed nothing, even with a valid token', async () => {
    const text = 'from another tenant';
    const status = await post(activity(text, 'b2c8e1f0-0000-4000-8000-00000000beef'), `Bearer ${await token()}`);
    expect(status).to.be.oneOf([200, 202]);
    await expectNothingFrom(text);
  });
});
