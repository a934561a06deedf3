/**
 * Channel authentication: who may talk to the bot at all.
 *
 * - createBotAuthentication: botbuilder's own JWT validation (ConfigurationBotFrameworkAuthentication)
 *   for MultiTenant, SingleTenant and UserAssignedMSI bots (its per-turn clients reused: reused-clients.ts). Every activity must carry a token
 *   signed by a key from the Bot Framework's OpenID metadata, issued by https://api.botframework.com,
 *   for our app id (audience), bound to the activity's serviceUrl. BOT_OPENID_METADATA_URL points
 *   the key lookup elsewhere (tests serve their own keys on 127.0.0.1).
 * - assertSafeToStart: refuses to listen on a network without authentication.
 * - isTenantAllowed: which Microsoft Entra tenants the bot serves at all.
 */
import {
  CallerIdConstants,
  ConfigurationBotFrameworkAuthentication,
  type Activity,
  type ConfigurationBotFrameworkAuthenticationOptions,
} from 'botbuilder';
import {
  AuthenticationConstants,
  AuthenticationError,
  BotFrameworkAuthentication,
  type AuthenticateRequestResult,
  type ClaimsIdentity,
  type ConnectorFactory,
  type ServiceClientCredentialsFactory,
  type UserTokenClient,
} from 'botframework-connector';
import type { Config } from '../config.js';
import { ReusingClients } from './reused-clients.js';

export interface BotAuthenticationOptions {
  /**
   * Credentials for the bot's own calls to the channel (replies, card updates). Default: built
   * from the app id/password/MSI configuration. Tests pass one that signs with a static token.
   */
  credentialsFactory?: ServiceClientCredentialsFactory;
}

/**
 * botbuilder turns some token failures (bad signature, not yet valid, malformed) into plain
 * errors, which CloudAdapter answers with 500. Every failure to authenticate is a 401 here, so
 * the channel and monitoring see what happened and nothing of the request is processed.
 */
class UnauthorizedOnFailure extends BotFrameworkAuthentication {
  constructor(private readonly inner: BotFrameworkAuthentication) {
    super();
  }

  authenticateRequest(activity: Activity, authHeader: string): Promise<AuthenticateRequestResult> {
    return as401(() => this.inner.authenticateRequest(activity, authHeader));
  }

  authenticateStreamingRequest(authHeader: string, channelIdHeader: string): Promise<AuthenticateRequestResult> {
    return as401(() => this.inner.authenticateStreamingRequest(authHeader, channelIdHeader));
  }

  override authenticateChannelRequest(authHeader: string): Promise<ClaimsIdentity> {
    return as401(() => this.inner.authenticateChannelRequest(authHeader));
  }

  createConnectorFactory(claimsIdentity: ClaimsIdentity): ConnectorFactory {
    return this.inner.createConnectorFactory(claimsIdentity);
  }

  createUserTokenClient(claimsIdentity: ClaimsIdentity): Promise<UserTokenClient> {
    return this.inner.createUserTokenClient(claimsIdentity);
  }
}

async function as401<T>(authenticate: () => Promise<T>): Promise<T> {
  try {
    return await authenticate();
  } catch (error) {
    if (error instanceof AuthenticationError) throw error;
    throw new AuthenticationError(`Unauthorized: ${(error as Error).message ?? String(error)}`, 401);
  }
}

export function createBotAuthentication(config: Config, options: BotAuthenticationOptions = {}): BotFrameworkAuthentication {
  const { bot } = config;
  const settings: ConfigurationBotFrameworkAuthenticationOptions = {
    MicrosoftAppId: bot.appId,
    MicrosoftAppPassword: bot.appPassword,
    MicrosoftAppType: bot.appType,
    MicrosoftAppTenantId: bot.appTenantId,
  };
  if (bot.openIdMetadataUrl) {
    // Setting any endpoint switches botbuilder to "parameterized" mode, where every endpoint
    // must be given: keep the public-cloud values and move only where signing keys come from.
    // The emulator path gets the same URL so no token shape can make the bot fetch keys elsewhere.
    Object.assign(settings, {
      ToChannelFromBotLoginUrl: AuthenticationConstants.ToChannelFromBotLoginUrl,
      ToChannelFromBotOAuthScope: AuthenticationConstants.ToChannelFromBotOAuthScope,
      ToBotFromChannelTokenIssuer: AuthenticationConstants.ToBotFromChannelTokenIssuer,
      OAuthUrl: AuthenticationConstants.OAuthUrl,
      ToBotFromChannelOpenIdMetadataUrl: bot.openIdMetadataUrl,
      ToBotFromEmulatorOpenIdMetadataUrl: bot.openIdMetadataUrl,
      CallerId: CallerIdConstants.PublicAzureChannel,
      ValidateAuthority: true,
    });
  }
  return new UnauthorizedOnFailure(new ReusingClients(new ConfigurationBotFrameworkAuthentication(settings, options.credentialsFactory)));
}

const LOOPBACK = new Set(['127.0.0.1', '::1', 'localhost']);

function isLoopbackHost(host: string): boolean {
  return LOOPBACK.has(host.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(host);
}

export class UnsafeStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeStartError';
  }
}

/**
 * Without an app id botbuilder accepts every request unauthenticated. That is only acceptable
 * when nobody else can reach the port (loopback) or when someone explicitly asked for it
 * (SWITCHBOARD_DEV=true — the implicit "no app id means development" default does not count).
 */
export function assertSafeToStart(config: Config, env: Record<string, string | undefined> = process.env): void {
  if (config.bot.appId) return;
  if (isLoopbackHost(config.host)) return;
  const explicitDev = ['1', 'true', 'yes', 'on'].includes((env.SWITCHBOARD_DEV ?? '').toLowerCase());
  if (config.development && explicitDev) return;
  throw new UnsafeStartError(
    `Refusing to start: no MicrosoftAppId is set, so requests would not be authenticated, and HOST=${config.host} ` +
      'is reachable from the network. Either set MicrosoftAppId and MicrosoftAppPassword (see docs/security.md), ' +
      'listen on loopback only (HOST=127.0.0.1), or accept unauthenticated access for development with SWITCHBOARD_DEV=true.',
  );
}

/**
 * Whether activities from this tenant are served. ALLOWED_TENANTS lists them; without the list a
 * SingleTenant or managed-identity bot serves its own tenant only, and only development mode
 * serves anyone. An activity without a tenant is served only when any tenant is.
 */
export function isTenantAllowed(config: Config, tenantId: string | undefined): boolean {
  const allowed = config.bot.allowedTenants.length
    ? config.bot.allowedTenants
    : config.bot.appType !== 'MultiTenant' && config.bot.appTenantId
      ? [config.bot.appTenantId]
      : undefined;
  if (!allowed) return config.development;
  return tenantId !== undefined && allowed.some((t) => t.toLowerCase() === tenantId.toLowerCase());
}
