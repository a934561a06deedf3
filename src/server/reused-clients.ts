/**
 * Reusing the outbound clients botbuilder builds for every turn. CloudAdapter asks for a new
 * ConnectorClient and a new UserTokenClient on each activity, and each one assembles a whole
 * Azure HTTP pipeline (policies, sanitizer, user agent, proxy lookup): in the P1 bench profile
 * (docs/performance.md) that was about a tenth of the CPU of a bare echo-bot turn and much of its
 * garbage. What they depend on is only the bot's app id, the channel's serviceUrl and the token
 * audience; they keep no per-turn state (their credentials cache tokens themselves), so one
 * client per such key serves every turn — as botbuilder's older BotFrameworkAdapter also did.
 */
import type { Activity } from 'botbuilder';
import {
  AuthenticationConstants,
  BotFrameworkAuthentication,
  ConnectorFactory,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorClient,
  type UserTokenClient,
} from 'botframework-connector';

/**
 * Clients by key, least recently used dropped first. Bounded because in development mode
 * (authentication off) anybody can make up serviceUrls; with authentication a serviceUrl is
 * bound to a valid channel token, and Teams uses a handful.
 */
export class ClientCache<T> {
  private readonly clients = new Map<string, Promise<T>>();

  constructor(private readonly capacity = 64) {}

  get(key: string, create: () => Promise<T>): Promise<T> {
    const known = this.clients.get(key);
    if (known) {
      this.clients.delete(key); // re-inserted below as the newest
      this.clients.set(key, known);
      return known;
    }
    const created = create();
    this.clients.set(key, created);
    // A failed creation (e.g. credentials not obtainable yet) is not remembered: the next turn tries again.
    created.catch(() => {
      if (this.clients.get(key) === created) this.clients.delete(key);
    });
    if (this.clients.size > this.capacity) this.clients.delete(this.clients.keys().next().value as string);
    return created;
  }

  get size(): number {
    return this.clients.size;
  }
}

/** A ConnectorFactory handing out one ConnectorClient per app id, serviceUrl and audience. */
export class ReusingConnectorFactory extends ConnectorFactory {
  constructor(
    private readonly inner: ConnectorFactory,
    private readonly appId: string,
    private readonly cache: ClientCache<ConnectorClient>,
  ) {
    super();
  }

  create(serviceUrl: string, audience?: string): Promise<ConnectorClient> {
    // Line breaks cannot occur in an app id, URL or audience, so they keep the parts apart; no
    // audience (botbuilder's default) stays distinct from an empty one.
    const key = `${this.appId}\n${serviceUrl}\n${audience === undefined ? '-' : `+${audience}`}`;
    return this.cache.get(key, () => this.inner.create(serviceUrl, audience));
  }
}

/** The bot's app id as botbuilder reads it from the claims: the audience, or the emulator's appid. */
export function appIdOf(claimsIdentity: ClaimsIdentity): string {
  return claimsIdentity.getClaimValue(AuthenticationConstants.AudienceClaim) ?? claimsIdentity.getClaimValue(AuthenticationConstants.AppIdClaim) ?? '';
}

/** Wraps botbuilder's authentication so the clients it makes for each turn are made once. */
export class ReusingClients extends BotFrameworkAuthentication {
  private readonly connectorClients = new ClientCache<ConnectorClient>();
  private readonly userTokenClients = new ClientCache<UserTokenClient>();

  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  async authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    const result = await this.inner.authenticateRequest(activity, authHeader);
    return result.connectorFactory ? { ...result, connectorFactory: this.reusing(result.connectorFactory, result.claimsIdentity) } : result;
  }

  authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return this.inner.authenticateStreamingRequest(authHeader, channelIdHeader);
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return this.inner.authenticateChannelRequest(authHeader);
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.reusing(this.inner.createConnectorFactory(claimsIdentity), claimsIdentity);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.userTokenClients.get(appIdOf(claimsIdentity), () => this.inner.createUserTokenClient(claimsIdentity));
  }

  private reusing(factory: ConnectorFactory, claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return new ReusingConnectorFactory(factory, appIdOf(claimsIdentity), this.connectorClients);
  }
}
