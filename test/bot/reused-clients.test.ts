/**
 * The clients botbuilder would build for every turn are built once per app id, serviceUrl and
 * audience, and what they are used for is unchanged (the JWT and integration suites send real
 * replies through them).
 */
import { expect } from 'chai';
import type { Activity } from 'botbuilder';
import { ConfigurationBotFrameworkAuthentication } from 'botbuilder';
import { ClaimsIdentity } from 'botframework-connector';
import { ClientCache, ReusingClients } from '../../src/server/reused-clients.js';

const TEAMS_EMEA = 'https://smba.trafficmanager.net/emea/';
const TEAMS_AMER = 'https://smba.trafficmanager.net/amer/';

describe('reusing the outbound clients botbuilder makes for each turn', () => {
  // Authentication off, as in development mode: every request gets an anonymous identity.
  const auth = () => new ReusingClients(new ConfigurationBotFrameworkAuthentication({}));
  const activity = (serviceUrl: string) => ({ type: 'message', channelId: 'msteams', serviceUrl }) as Activity;

  it('hands every turn for the same serviceUrl and audience the same ConnectorClient, and another one elsewhere', async () => {
    const reusing = auth();
    const turn = async (serviceUrl: string) => {
      const result = await reusing.authenticateRequest(activity(serviceUrl), '');
      return result.connectorFactory!.create(serviceUrl, result.audience);
    };
    const [first, second, elsewhere] = [await turn(TEAMS_EMEA), await turn(TEAMS_EMEA), await turn(TEAMS_AMER)];
    expect(second).to.equal(first);
    expect(elsewhere).not.to.equal(first);
        const result = await reusing.authenticateRequest(activity(TEAMS_EMEA), '');
    expect(await result.connectorFactory!.create(TEAMS_EMEA, 'https://api.botframework.us')).not.to.equal(first);
  });

  it('shares the clients with proactive messages (createConnectorFactory) and reuses the user token client', async () => {
    const reusing = auth();
    const identity = new ClaimsIdentity([], true);
    const inbound = await reusing.authenticateRequest(activity(TEAMS_EMEA), '');
    const proactive = reusing.createConnectorFactory(identity);
    expect(await proactive.create(TEAMS_EMEA, inbound.audience)).to.equal(await inbound.connectorFactory!.create(TEAMS_EMEA, inbound.audience));
    expect(await reusing.createUserTokenClient(identity)).to.equal(await reusing.createUserTokenClient(identity));
  });

  describe('ClientCache', () => {
    it('creates once per key, even for callers that ask at the same time', async () => {
      const cache = new ClientCache<object>();
      let created = 0;
      const create = async () => ({ n: ++created });
      const [a, b] = await Promise.all([cache.get('k', create), cache.get('k', create)]);
      expect(a).to.equal(b);
      expect(created).to.equal(1);
    });

    it('drops the least recently used key beyond its capacity', async () => {
      const cache = new ClientCache<string>(2);
      const created: string[] = [];
      const create = (key: string) => () => (created.push(key), Promise.resolve(key));
      for (const key of ['a', 'b', 'a', 'c', 'a', 'b']) await cache.get(key, create(key));
      // 'b' was the least recently used when 'c' arrived, so it had to be made again.
      expect(created).to.deep.equal(['a', 'b', 'c', 'b']);
      expect(cache.size).to.equal(2);
    });

    it('forgets a failed creation so the next caller tries again', async () => {
      const cache = new ClientCache<string>();
      await cache.get('k', () => Promise.reject(new Error('no token yet'))).then(
        () => expect.fail('should have failed'),
        (error: Error) => expect(error.message).to.equal('no token yet'),
      );
      expect(await cache.get('k', () => Promise.resolve('client'))).to.equal('client');
    });
  });
});
